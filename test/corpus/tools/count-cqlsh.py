#!/usr/bin/env python3
"""Reference statement counts for CQL migration files, as `cqlsh -f <file>` would send them.

Uses cqlsh's own code (cqlshlib from `pip install cqlsh==6.2.2`): the file is read the way `cqlsh -f`
reads it (codecs.open with BOM detection, line by line), each line is appended to the pending text and
passed to the same logic as Shell.onecmd() -> CqlRuleSet.cql_split_statements(); statements are
dispatched as Shell.handle_statement() would. Nothing is sent anywhere: no server is needed.

Counted: every statement cqlsh would send to the server (CQL statements, including USE / SELECT /
DESCRIBE, which cqlsh sends too). Not counted, but reported: cqlsh-only shell commands (CONSISTENCY,
SOURCE, TRACING, ...), empty statements (a lone ';'), and any text left incomplete at end of file or
refused by the lexer -- a reference set should have none of these.

Usage:
  count-cqlsh.py <set-dir> [<set-dir> ...]          print counts (JSON) for each set's *.cql files
  count-cqlsh.py --write <set-dir> [<set-dir> ...]  also write <set-dir>/statements.json
  count-cqlsh.py --show <file.cql>                  print each statement cqlsh would send
Run it with the Python of a virtualenv holding cqlsh 6.2.2:
  python3 -m venv /tmp/cqlsh-venv && /tmp/cqlsh-venv/bin/pip install cqlsh==6.2.2
  /tmp/cqlsh-venv/bin/python test/corpus/tools/count-cqlsh.py --write test/corpus/temporal-cassandra
"""
import codecs
import json
import os
import re
import sys

from cqlshlib import cql3handling, cqlshhandling, pylexotron
from cqlshlib.util import get_file_encoding_bomsize

# The same set-up as cqlshlib.cqlshmain.setup_cqlruleset(cql3handling).
ruleset = cql3handling.CqlRuleSet
ruleset.append_rules(cqlshhandling.cqlsh_extra_syntax_rules)
ruleset.commands_end_with_newline.update(cqlshhandling.my_commands_ending_with_newline)

# Shell.do_* handlers that never send the statement to the server (cqlsh 6.2.2). do_use, do_select and
# do_describe send it; COPY sends its own queries (counted as a shell command here: not in a migration).
SHELL_ONLY = {'show', 'source', 'capture', 'tracing', 'expand', 'consistency', 'serial', 'login', 'exit',
              'quit', 'clear', 'cls', 'debug', 'help', '?', 'history', 'unicode', 'paging', 'copy', 'elapsed'}


def split_like_cqlsh(path):
    """Returns (sent, problems): the statements cqlsh -f would send, and anything it would not."""
    encoding, bom_size = get_file_encoding_bomsize(path)
    sent, problems = [], []
    with codecs.open(path, 'r', encoding) as f:
        f.seek(bom_size)

        def onecmd(text):
            # Shell.onecmd(): True when the pending text is complete (and was handled) and is reset.
            try:
                statements, endtoken_escaped = ruleset.cql_split_statements(text)
            except pylexotron.LexingError as e:
                problems.append('lexing error at line %d, char %d' % (e.linenum, e.charnum))
                return True
            while statements and not statements[-1]:
                statements = statements[:-1]
            if not statements:
                return True
            if endtoken_escaped or statements[-1][-1][0] != 'endtoken':
                return False
            for st in statements:
                # Shell.handle_statement()
                if all(t[0] == 'endtoken' for t in st):
                    problems.append('empty statement (a lone ";")')
                    continue
                cmdword = st[0][1].lower()
                if cmdword in SHELL_ONLY:
                    problems.append('cqlsh shell command, not sent: %s' % ruleset.cql_extract_orig(st, text))
                    continue
                sent.append(ruleset.cql_extract_orig(st, text))
            return True

        pending = ''
        while True:
            line = f.readline()  # Shell.get_input_line() with tty=False
            if not line:
                break
            pending += line
            if onecmd(pending):
                pending = ''
        # Shell.handle_eof()
        if pending.strip() and not onecmd(pending):
            problems.append('incomplete statement at end of file: %r' % pending.strip()[:80])
    return sent, problems


def count_set(set_dir):
    counts, problems = {}, {}
    for name in sorted(os.listdir(set_dir)):
        if not re.match(r'^[0-9][0-9.]*_.*\.cql$', name):
            continue
        sent, probs = split_like_cqlsh(os.path.join(set_dir, name))
        counts[name] = len(sent)
        if probs:
            problems[name] = probs
    return counts, problems


def main(argv):
    if len(argv) >= 2 and argv[0] == '--show':
        for p in argv[1:]:
            sent, probs = split_like_cqlsh(p)
            for i, s in enumerate(sent, 1):
                print('-- [%d]\n%s' % (i, s))
            for pr in probs:
                print('-- PROBLEM: %s' % pr, file=sys.stderr)
        return 0
    write = False
    if argv and argv[0] == '--write':
        write, argv = True, argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    status = 0
    for set_dir in argv:
        counts, problems = count_set(set_dir)
        for name, probs in problems.items():
            for pr in probs:
                print('%s/%s: %s' % (set_dir, name, pr), file=sys.stderr)
            status = 1
        if write:
            with open(os.path.join(set_dir, 'statements.json'), 'w') as out:
                json.dump(counts, out, indent=2)
                out.write('\n')
        print('%s: %d files, %d statements' % (set_dir, len(counts), sum(counts.values())), file=sys.stderr)
        if not write:
            print(json.dumps(counts, indent=2))
    return status


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
