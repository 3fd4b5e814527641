"""Writes NAME.expected.json for every NAME.cql given, using cqlsh's own splitter.

The expected files in this folder were produced by this script, so they record what
`cqlsh -f` would run, not what cql-splitter.ts happens to do. Not used by the tests.

    python3 -m venv /tmp/cqlsh && /tmp/cqlsh/bin/pip install cqlsh
    /tmp/cqlsh/bin/python cqlsh-oracle.py *.cql

Texts are taken the way cqlsh sends them (first token to last token) minus the final `;`.
Where cql-splitter.ts differs from cqlsh on purpose (see its header), cqlsh's leftover
tokens are still written: a last statement without `;`, an empty statement (dropped).
"""
import json
import sys

from cqlshlib import cql3handling, cqlshhandling

rules = cql3handling.CqlRuleSet
rules.commands_end_with_newline.update(cqlshhandling.my_commands_ending_with_newline)

for path in sys.argv[1:]:
    # cqlsh reads text with universal newlines; utf-8-sig drops a BOM.
    src = open(path, encoding='utf-8-sig').read()
    statements, _unterminated = rules.cql_split_statements(src)
    texts = []
    for tokens in statements:
        tokens = list(tokens)
        while tokens and tokens[-1][0] == 'endtoken':
            tokens.pop()
        if tokens:
            texts.append(src[tokens[0][2][0]:tokens[-1][2][1]])
    with open(path[:-4] + '.expected.json', 'w', encoding='utf-8') as f:
        f.write(json.dumps(texts, ensure_ascii=False, indent=2) + '\n')
