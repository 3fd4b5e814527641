#!/usr/bin/env python3
"""Rebuilds the migration sets under test/corpus/ from pinned upstream commits (file bytes via `git show`).

Each set directory gets: the migration files renamed to Strata's {version}_{description}[.down].{cql|sql}
(4-digit sequential versions in the upstream application order), manifest.json (Strata name -> upstream
path and git blob id), and the upstream LICENSE (and NOTICE where upstream has one). File contents are the
upstream bytes, except PostgreSQL files that cannot run inside a transaction (CREATE INDEX CONCURRENTLY ...):
those get the line `-- strata:no-transaction` prepended (recorded as "prepended" in manifest.json).
statements.json is written by count-cqlsh.py / count-psql.py, not here.

Usage: build-corpus.py [--only <set>] <corpus-dir>
  Needs a bare (or normal) git clone of each repository holding the pinned commit; by default
  /work/.mirror/<owner>+<name>/repo, or set e.g. MIRROR_ory_kratos=/path/to/kratos/.git
       build-corpus.py --verify <corpus-dir>
  Needs no clone: checks that every file listed in each set's manifest.json is there, hashes to the
  recorded git blob id once a recorded prepended line is removed, and that no other migration file is.
"""
import hashlib
import json
import os
import re
import subprocess
import sys

REPOS = {
    'ory/kratos': 'b86338da04a040247a07f46100a86dcfb3875909',
    'temporalio/temporal': '6805caea59e35d0611ed96be69641b8d86bff11c',
    'cadence-workflow/cadence': '5bc96221bb59b57e8915d0eacdb0228632ad3105',
}

KRATOS_DIR = 'persistence/sql/migrations/sql'
# popx also runs Go migrations registered in code (persistence/sql/migrations/go): not SQL files, left out.
KRATOS_GO = [dict(path='persistence/sql/migrations/go/20251105000000000000_identity_id_not_null_fks.go',
                  why='Go migrations 20251105000000000001 and 20251105000000000002 (batched UPDATE backfills of '
                      'identity_id, between SQL versions 20251104000000000000 and 20251105000000000003): code, not '
                      'SQL; they change no schema and touch no row on an empty database')]
SETS = [
    dict(name='kratos-postgres', repo='ory/kratos', kind='popx', dialect='postgres', dir=KRATOS_DIR, ext='sql', also_excluded=KRATOS_GO),
    dict(name='kratos-cockroach', repo='ory/kratos', kind='popx', dialect='cockroach', dir=KRATOS_DIR, ext='sql', also_excluded=KRATOS_GO),
    dict(name='temporal-cassandra', repo='temporalio/temporal', kind='manifest', dir='schema/cassandra/temporal/versioned', ext='cql'),
    dict(name='temporal-postgres', repo='temporalio/temporal', kind='manifest', dir='schema/postgresql/v12/temporal/versioned', ext='sql'),
    dict(name='temporal-visibility-postgres', repo='temporalio/temporal', kind='manifest', dir='schema/postgresql/v12/visibility/versioned', ext='sql'),
    dict(name='cadence-cassandra', repo='cadence-workflow/cadence', kind='manifest', dir='schema/cassandra/cadence/versioned', ext='cql'),
    dict(name='cadence-visibility-cassandra', repo='cadence-workflow/cadence', kind='manifest', dir='schema/cassandra/visibility/versioned', ext='cql'),
    dict(name='cadence-postgres', repo='cadence-workflow/cadence', kind='manifest', dir='schema/postgres/cadence/versioned', ext='sql'),
    dict(name='cadence-visibility-postgres', repo='cadence-workflow/cadence', kind='manifest', dir='schema/postgres/visibility/versioned', ext='sql'),
]
LICENSE_FILES = ['LICENSE', 'NOTICE']
NO_TX_LINE = b'-- strata:no-transaction\n'
# Statements PostgreSQL refuses inside a transaction block (that a migration might contain).
NO_TX = re.compile(r'\b(CONCURRENTLY|VACUUM|CREATE\s+DATABASE|DROP\s+DATABASE|ALTER\s+SYSTEM|CREATE\s+TABLESPACE|DROP\s+TABLESPACE)\b', re.I)


def git_dir(repo):
    env = os.environ.get('MIRROR_' + re.sub(r'[^A-Za-z0-9]', '_', repo))
    return env or '/work/.mirror/%s/repo' % repo.replace('/', '+')


def git(repo, *args):
    return subprocess.run(['git', '--git-dir', git_dir(repo)] + list(args), check=True, stdout=subprocess.PIPE).stdout


def ls(repo, path):
    out = git(repo, 'ls-tree', '-r', '--name-only', REPOS[repo], '--', path + '/').decode()
    return [p for p in out.splitlines() if p]


def show(repo, path):
    return git(repo, 'show', '%s:%s' % (REPOS[repo], path))


def blob_id(repo, path):
    return git(repo, 'rev-parse', '%s:%s' % (REPOS[repo], path)).decode().strip()


def describe(text):
    d = re.sub(r'[^A-Za-z0-9_-]+', '_', text).strip('_-')
    return d if re.match(r'^[A-Za-z0-9]', d) else 'm' + d


# --- ory/popx (persistence/sql/migrations/sql): the selection popx makes for one dialect ------------------
# popx's MigrationFileRegexp, parseMigrationFilename and Migrations.sortAndFilter (oryx/popx in the kratos
# tree): per version, the dialect's own file wins over the generic one (no dialect part); other dialects'
# files are ignored; versions are ordered as strings (all are 20 digits here).
AUTOCOMMIT_NOTE = 'popx autocommit (.autocommit. in the name: popx runs it outside a transaction)'
POPX = re.compile(r'^(\d+)_([^.]+)(\.[a-z0-9]+)?(\.autocommit)?\.(up|down)\.(sql)$')


def popx_select(paths, dialect):
    chosen = {'up': {}, 'down': {}}
    for path in paths:
        m = POPX.match(os.path.basename(path))
        if not m:
            raise SystemExit('not a popx migration name: ' + path)
        version, name, dbtype, autocommit, direction, _ = m.groups()
        if dbtype == '.autocommit':
            dbtype, autocommit = None, '.autocommit'
        dbtype = (dbtype or '.all')[1:]
        rank = 1 if dbtype == dialect else 0 if dbtype == 'all' else -1
        if rank < 0:
            continue
        prev = chosen[direction].get(version)
        if prev and prev['rank'] > rank:
            continue
        chosen[direction][version] = dict(rank=rank, name=name, path=path, autocommit=bool(autocommit))
    ups, downs = chosen['up'], chosen['down']
    out = []
    for version in sorted(ups):
        down = downs.get(version)
        out.append(dict(key=version, description=ups[version]['name'], up=ups[version]['path'],
                        down=down['path'] if down else None,
                        note={'up': AUTOCOMMIT_NOTE if ups[version]['autocommit'] else None,
                              'down': AUTOCOMMIT_NOTE if down and down['autocommit'] else None}))
    orphans = sorted(set(downs) - set(ups))
    return out, [dict(path=downs[v]['path'], why='down file without an up file for this dialect') for v in orphans]


# --- temporal / cadence schema tools: versioned/vX.Y/manifest.json lists the files applied, in order -------
def manifest_select(repo, root, ext):
    files = ls(repo, root)
    dirs = sorted({p[len(root) + 1:].split('/')[0] for p in files})
    versions, excluded = [], []
    for d in dirs:
        m = re.match(r'^v(\d+)\.(\d+)$', d)
        if not m:
            excluded += [dict(path=p, why='not a vX.Y version directory (a squashed alternative the update tool does not apply in sequence)')
                         for p in files if p.startswith('%s/%s/' % (root, d)) and p.endswith('.' + ext)]
            continue
        versions.append(((int(m.group(1)), int(m.group(2))), d))
    out = []
    for (major, minor), d in sorted(versions):
        manifest = json.loads(show(repo, '%s/%s/manifest.json' % (root, d)))
        listed = manifest.get('SchemaUpdateCqlFiles') or []
        for f in listed:
            stem = f.rsplit('.', 1)[0]
            out.append(dict(key=d, description=describe('v%d_%d_%s' % (major, minor, stem)),
                            up='%s/%s/%s' % (root, d, f), down=None, note=None))
        for p in files:
            if p.startswith('%s/%s/' % (root, d)) and p.endswith('.' + ext) and os.path.basename(p) not in listed:
                excluded.append(dict(path=p, why='not listed in %s/manifest.json (SchemaUpdateCqlFiles), so the update tool never applies it' % d))
    return out, excluded


def strip_sql_comments(text):
    return re.sub(r'--[^\n]*', '', text)


def build(spec, corpus):
    repo = spec['repo']
    if spec['kind'] == 'popx':
        items, excluded = popx_select(ls(repo, spec['dir']), spec['dialect'])
    else:
        items, excluded = manifest_select(repo, spec['dir'], spec['ext'])
    excluded = excluded + spec.get('also_excluded', [])
    width = max(4, len(str(len(items))))
    target = os.path.join(corpus, spec['name'])
    os.makedirs(target, exist_ok=True)
    for f in os.listdir(target):
        if re.match(r'^[0-9]', f):
            os.remove(os.path.join(target, f))
    pg = spec['ext'] == 'sql' and spec.get('dialect') != 'cockroach'
    manifest = {
        'repository': 'https://github.com/' + repo,
        'commit': REPOS[repo],
        'source': spec['dir'],
        'selection': spec['kind'] if spec['kind'] == 'manifest' else 'popx:' + spec['dialect'],
        'files': {},
        'excluded': excluded,
    }
    for i, item in enumerate(items, 1):
        base = '%0*d_%s' % (width, i, item['description'])
        for direction in ('up', 'down'):
            path = item[direction]
            if not path:
                continue
            name = base + ('.down.' if direction == 'down' else '.') + spec['ext']
            data = show(repo, path)
            entry = {'upstream': path, 'blob': blob_id(repo, path), 'upstream_version': item['key']}
            if item['note'] and item['note'][direction]:
                entry['note'] = item['note'][direction]
            if pg and NO_TX.search(strip_sql_comments(data.decode('utf-8'))):
                data = NO_TX_LINE + data
                entry['prepended'] = NO_TX_LINE.decode()
            entry['sha256'] = hashlib.sha256(data).hexdigest()
            with open(os.path.join(target, name), 'wb') as out:
                out.write(data)
            manifest['files'][name] = entry
    with open(os.path.join(target, 'manifest.json'), 'w') as out:
        json.dump(manifest, out, indent=2)
        out.write('\n')
    top = git(repo, 'ls-tree', '--name-only', REPOS[repo]).decode().split()
    for lic in LICENSE_FILES:
        if lic in top:
            with open(os.path.join(target, lic), 'wb') as out:
                out.write(show(repo, lic))
    ups = sum(1 for n in manifest['files'] if '.down.' not in n)
    print('%s: %d up, %d down, %d excluded' % (spec['name'], ups, len(manifest['files']) - ups, len(excluded)))


def git_blob_id(data):
    return hashlib.sha1(b'blob %d\0' % len(data) + data).hexdigest()


def verify(corpus):
    bad = 0
    for spec in SETS:
        target = os.path.join(corpus, spec['name'])
        manifest = json.load(open(os.path.join(target, 'manifest.json')))
        present = {f for f in os.listdir(target) if re.match(r'^[0-9]', f)}
        for name, entry in manifest['files'].items():
            data = open(os.path.join(target, name), 'rb').read() if name in present else None
            prefix = entry.get('prepended', '').encode()
            if data is None or not data.startswith(prefix) or git_blob_id(data[len(prefix):]) != entry['blob'] \
                    or hashlib.sha256(data).hexdigest() != entry['sha256']:
                print('%s/%s: missing or differs from %s@%s' % (spec['name'], name, entry['upstream'], entry['blob']))
                bad += 1
        for extra in sorted(present - set(manifest['files'])):
            print('%s/%s: not in manifest.json' % (spec['name'], extra))
            bad += 1
        print('%s: %d files checked' % (spec['name'], len(manifest['files'])))
    return 1 if bad else 0


def main(argv):
    if argv[:1] == ['--verify'] and len(argv) == 2:
        return verify(argv[1])
    only = None
    if argv[:1] == ['--only']:
        only, argv = argv[1], argv[2:]
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    for spec in SETS:
        if only is None or spec['name'] == only:
            build(spec, argv[0])
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
