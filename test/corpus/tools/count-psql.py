#!/usr/bin/env python3
"""Reference statement counts for SQL migration files, as psql sends them, and a proof that a set applies.

For each set directory: creates a scratch database corpus_count_<set>, runs every up file in version
order, then every .down file in reverse version order, each with its own psql process:

  psql -X -v ON_ERROR_STOP=1 --echo-queries -o /dev/null -L <log> -d <scratch db> -f <file>

and counts the statements psql sent for that file: every query psql sends is echoed on stdout
(--echo-queries) and written to the -L log between "********* QUERY **********" markers; the count is
the number of logged queries, checked against the echoed text (the two must agree exactly). Then the
scratch database is dropped. One psql runs at a time.

psql 15's splitter is the reference (it keeps -- comments inside a statement, sends a final statement
without ';' at end of file, sends nothing for a file of comments only). psql runs each statement in
its own implicit transaction (no --single-transaction), like a client without Strata's file transaction.

Usage:
  count-psql.py [--write] [--allow-errors] [--ups-only] <set-dir> [<set-dir> ...]
    --write          write <set-dir>/statements.json ({ "<file>": <count>, ... }, up and down files)
    --allow-errors   no ON_ERROR_STOP: keep going after a failed statement and report errors per file
                     (for sets whose dialect is not PostgreSQL, e.g. CockroachDB-only syntax: the count
                     is still psql's, since psql splits a file without regard to the server's answers)
    --ups-only       do not run the .down files
    --single-transaction
                     run each file with psql -1 (one transaction per file, as Strata runs a transactional
                     file on PostgreSQL), except files whose first line is `-- strata:no-transaction`;
                     a check that the set also applies that way (the counts do not change)
  PGURL   server to use (default postgresql://postgres:postgres@127.0.0.1:54329/postgres); the scratch
          database is created on it and dropped afterwards
  PSQL    psql binary (default: psql on PATH)
Exit status 1 when a file fails (without --allow-errors) or the echo and the log disagree.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
from urllib.parse import urlsplit, urlunsplit

MIGRATION = re.compile(r'^([0-9][0-9.]*)_([A-Za-z0-9][A-Za-z0-9_-]*?)(\.down)?\.sql$')
HEAD = '********* QUERY **********\n'
TAIL = '\n**************************\n\n'


def with_db(url, db):
    u = urlsplit(url)
    return urlunsplit((u.scheme, u.netloc, '/' + db, u.query, u.fragment))


def admin(psql, url, sql):
    env = dict(os.environ, PGOPTIONS='-c client_min_messages=warning')
    subprocess.run([psql, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql], check=True,
                   stdout=subprocess.DEVNULL, env=env)


def logged_queries(log_text):
    """The queries psql wrote to its -L log, in order."""
    queries, pos = [], 0
    while True:
        start = log_text.find(HEAD, pos)
        if start < 0:
            return queries
        end = log_text.find(TAIL, start + len(HEAD))
        if end < 0:
            raise ValueError('unterminated query block in psql log')
        queries.append(log_text[start + len(HEAD):end])
        pos = end + len(TAIL)


def run_file(psql, url, path, allow_errors, single):
    with tempfile.TemporaryDirectory(prefix='count-psql-') as tmp:
        log = os.path.join(tmp, 'log')
        cmd = [psql, '-X']
        if not allow_errors:
            cmd += ['-v', 'ON_ERROR_STOP=1']
        if single and not open(path, encoding='utf-8').readline().startswith('-- strata:no-transaction'):
            cmd += ['--single-transaction']
        cmd += ['--echo-queries', '-o', os.devnull, '-L', log, '-d', url, '-f', path]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        echoed = proc.stdout.decode('utf-8')
        stderr = proc.stderr.decode('utf-8', 'replace')
        queries = logged_queries(open(log, encoding='utf-8').read()) if os.path.exists(log) else []
    agree = ''.join(q + '\n' for q in queries) == echoed
    errors = [l for l in stderr.splitlines() if re.search(r'\b(ERROR|FATAL|PANIC):', l)]
    return {'count': len(queries), 'rc': proc.returncode, 'agree': agree, 'errors': errors}


def count_set(set_dir, psql, base_url, allow_errors, ups_only, single):
    ups, downs = [], []
    for name in os.listdir(set_dir):
        m = MIGRATION.match(name)
        if m:
            key = (tuple(int(p) for p in m.group(1).split('.')), 1 if m.group(3) else 0)
            (downs if m.group(3) else ups).append((key, name))
    ups.sort()
    downs.sort(reverse=True)
    files = ups + ([] if ups_only else downs)
    db = 'corpus_count_' + re.sub(r'[^a-z0-9_]', '_', os.path.basename(os.path.abspath(set_dir)).lower())
    admin(psql, base_url, 'DROP DATABASE IF EXISTS %s' % db)
    admin(psql, base_url, 'CREATE DATABASE %s' % db)
    counts, failed, error_files = {}, [], {}
    try:
        for _, name in files:
            r = run_file(psql, with_db(base_url, db), os.path.join(set_dir, name), allow_errors, single)
            counts[name] = r['count']
            if not r['agree']:
                failed.append('%s: psql echo and log disagree' % name)
            if r['errors']:
                error_files[name] = r['errors']
            if r['rc'] != 0 and not allow_errors:
                failed.append('%s: psql exited %d: %s' % (name, r['rc'], '; '.join(r['errors'])[:500]))
                break
    finally:
        admin(psql, base_url, 'DROP DATABASE IF EXISTS %s' % db)
    ordered = {name: counts[name] for _, name in sorted(ups + downs) if name in counts}
    return ordered, failed, error_files, len(files)


def main(argv):
    write = '--write' in argv
    allow_errors = '--allow-errors' in argv
    ups_only = '--ups-only' in argv
    single = '--single-transaction' in argv
    sets = [a for a in argv if not a.startswith('--')]
    if not sets:
        print(__doc__, file=sys.stderr)
        return 2
    psql = os.environ.get('PSQL', 'psql')
    base_url = os.environ.get('PGURL', 'postgresql://postgres:postgres@127.0.0.1:54329/postgres')
    status = 0
    for set_dir in sets:
        counts, failed, error_files, expected = count_set(set_dir, psql, base_url, allow_errors, ups_only, single)
        for f in failed:
            print('%s/%s' % (set_dir, f), file=sys.stderr)
        if failed or len(counts) != expected:
            status = 1
        for name, errs in error_files.items():
            print('%s/%s: %d error(s): %s' % (set_dir, name, len(errs), errs[0][:200]), file=sys.stderr)
        print('%s: %d files run, %d statements, %d files with errors' % (
            set_dir, len(counts), sum(counts.values()), len(error_files)), file=sys.stderr)
        if write and not failed:
            with open(os.path.join(set_dir, 'statements.json'), 'w') as out:
                json.dump(counts, out, indent=2)
                out.write('\n')
        elif not write:
            print(json.dumps(counts, indent=2))
    return status


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
