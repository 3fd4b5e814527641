#!/usr/bin/env python3
"""Offline check that CQL sets parse with a given Cassandra version's parser (see CqlParseCheck.java).

Splits every *.cql file of the given sets with count-cqlsh.py's cqlsh splitter, then runs CqlParseCheck.java
on the statements with the Cassandra jars on the classpath. No server is contacted.

Usage (cqlsh 6.2.2 virtualenv's Python; CASSANDRA_LIB = a Cassandra lib/ directory, e.g. the one
Strata's testkit downloads to .cache/cassandra/lib):
  CASSANDRA_LIB=.cache/cassandra/lib /tmp/cqlsh-venv/bin/python test/corpus/tools/check-cql-cassandra.py \\
      test/corpus/temporal-cassandra test/corpus/cadence-cassandra test/corpus/cadence-visibility-cassandra
"""
import importlib.util
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('count_cqlsh', os.path.join(HERE, 'count-cqlsh.py'))
count_cqlsh = importlib.util.module_from_spec(spec)
spec.loader.exec_module(count_cqlsh)


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    lib = os.environ.get('CASSANDRA_LIB', '.cache/cassandra/lib')
    records = []
    for set_dir in argv:
        for name in sorted(os.listdir(set_dir)):
            if name.endswith('.cql') and name[0].isdigit():
                sent, _ = count_cqlsh.split_like_cqlsh(os.path.join(set_dir, name))
                for stmt in sent:
                    records.append('%s/%s\t%s' % (os.path.basename(os.path.normpath(set_dir)), name, stmt.rstrip().rstrip(';')))
    proc = subprocess.run(['java', '-cp', os.path.join(lib, '*'), os.path.join(HERE, 'CqlParseCheck.java')],
                          input='\0'.join(records).encode('utf-8'), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    # Cassandra's logback writes its own start-up lines to stdout: keep only the check's.
    for line in proc.stdout.decode('utf-8', 'replace').splitlines():
        if line.startswith(('FAIL ', '     ', 'parsed and validated:')):
            print(line)
    return proc.returncode


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
