"""make mutation: mutmut over plugins/module_utils and plugins/plugin_utils against the unit tests.

Runs in its own venv (requirements-mutation.txt), on a copy of the collection under
.build/mutation/ansible_collections/capgo/cloud (the unit tests import the collection as
ansible_collections.capgo.cloud, so the copy keeps that layout), always from scratch, and
writes tests/MUTATION.md: the score and every mutant that no test kills.

Survivors listed in tests/mutation/equivalent.yml (matched by function and changed
lines, not by mutant number, which shifts with every edit) are equivalent mutants: no
test can kill them. The score counts them out and says so.

Not mutated: string literals that contain a space. They are prose (messages and
warnings); the tests check the parts of a message that carry information (option names,
ids, status and code), not its wording. Every other literal (field names, methods,
codes, URLs) is mutated.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COPY = ROOT / '.build' / 'ansible_collections' / 'capgo' / 'cloud'
WORK = ROOT / '.build' / 'mutation'
# --only works in a directory of its own, so that it leaves the last whole run (and --report-only) alone.
WORK_ONLY = ROOT / '.build' / 'mutation-only'
COLLECTION = Path('ansible_collections/capgo/cloud')
MUTATED = ['plugins/module_utils', 'plugins/plugin_utils']
# What the unit tests read besides the code: the other plugins, meta/runtime.yml, galaxy.yml.
COPIED = ['plugins', 'meta', 'galaxy.yml', 'tests/unit', 'tests/config.yml']
EQUIVALENT = ROOT / 'tests' / 'mutation' / 'equivalent.yml'
# Why the mutants of a function that no unit test kills are left to other tests (still counted as not killed).
EXPLAINED = ROOT / 'tests' / 'mutation' / 'explained.yml'
REPORT = ROOT / 'tests' / 'MUTATION.md'
PREFIX = 'ansible_collections.capgo.cloud.plugins.'
# Only a failing test counts. A mutant whose tests ran past the CPU limit (status timeout) may loop, or
# may only have been slow on a busy machine: it is listed with the ones not killed.
DETECTED = ('killed',)

SETUP_CFG = """[mutmut]
source_paths =
%s
also_copy =
    ansible_collections/
pytest_add_cli_args_test_selection =
    %s/tests/unit/
pytest_add_cli_args =
    -p
    no:cacheprovider
# The unit tests take about a second in all: a mutant whose tests need far more CPU time than that
# probably loops, and is stopped after about ten CPU seconds instead of mutmut's default minute.
timeout_multiplier = 5.0
""" % ('\n'.join('    %s/%s/' % (COLLECTION, path) for path in MUTATED), COLLECTION)


def prepare():
    """A fresh copy of the collection in WORK, as mutmut's project directory."""
    if not COPY.is_dir():
        sys.exit('%s is missing: run make copy first' % COPY)
    shutil.rmtree(WORK, ignore_errors=True)
    target = WORK / COLLECTION
    for item in COPIED:
        source = COPY / item
        if source.is_dir():
            shutil.copytree(source, target / item)
        elif source.exists():
            (target / item).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / item)
    (WORK / 'setup.cfg').write_text(SETUP_CFG)
    record_commit()


def record_commit():
    """The commit whose code and unit tests the summary describes (with a note if the work tree differed)."""
    head = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    dirty = subprocess.run(['git', 'status', '--porcelain', '--', 'plugins', 'tests/unit'], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.strip()
    (WORK / 'commit').write_text(head + (' plus uncommitted changes' if dirty else ''))


def refresh_tests():
    """Replace the unit tests of the last run with the current ones (the mutated code stays as it was)."""
    target = WORK / COLLECTION / 'tests' / 'unit'
    shutil.rmtree(target)
    shutil.copytree(COPY / 'tests' / 'unit', target)
    record_commit()


def undetected_keys():
    from mutmut.stats import status_by_exit_code
    keys = []
    for meta in sorted((WORK / 'mutants').rglob('*.py.meta')):
        for key, code in json.loads(meta.read_text())['exit_code_by_key'].items():
            if status_by_exit_code[code] not in DETECTED:
                keys.append(key)
    return keys


def mutmut_run(max_children, names=()):
    """Inside WORK: mutmut run, with prose string literals left alone (see the module docstring)."""
    from mutmut.mutation import mutators

    original = mutators.operator_string

    def operator_string(node):
        if ' ' in getattr(node, 'value', ''):
            return iter(())
        return original(node)

    mutators.operator_string = operator_string
    mutators.mutation_operators[:] = [(kind, operator_string if op is original else op)
                                      for kind, op in mutators.mutation_operators]
    from mutmut.__main__ import cli
    cli(['run', '--max-children', str(max_children)] + list(names), standalone_mode=False)


def short_name(key):
    """ansible_collections.capgo.cloud.plugins.module_utils.organization.xǁOrganizationServiceǁget__mutmut_3
    -> ('module_utils/organization.py', 'OrganizationService.get', 3)"""
    module, dummy, rest = key[len(PREFIX):].rpartition('.')
    function, dummy, number = rest.rpartition('__mutmut_')
    function = function[2:] if function.startswith('x_') else function[1:]
    return module.replace('.', '/') + '.py', function.strip('ǁ').replace('ǁ', '.'), int(number)


def mutant_pattern(spec):
    """What --only names, as a glob over mutmut's mutant keys.

    module_utils/api.py                      -> every function of the file
    module_utils/api.py:CapgoClient.request  -> one method
    module_utils/api.py:short_reason         -> one function
    module_utils/api.py:CapgoClient.*        -> every method of a class
    """
    path, dummy, function = spec.partition(':')
    module = PREFIX + path[:-len('.py')].replace('/', '.') if path.endswith('.py') else PREFIX + path.replace('/', '.')
    if not function:
        return module + '.*'
    cls, dot, name = function.rpartition('.')
    mangled = ('x\u01c1%s\u01c1%s' % (cls, name)) if dot else 'x_' + name
    return '%s.%s__mutmut_*' % (module, mangled)


def print_undetected(mutants, patterns):
    """--only: the mutants of the named functions that no test killed, on standard output."""
    import fnmatch
    chosen = [m for m in mutants if any(fnmatch.fnmatch(m['key'], pattern) for pattern in patterns)]
    undetected = [m for m in chosen if m['status'] not in DETECTED and not m.get('equivalent')]
    for m in undetected:
        print('%s %s #%d %s: %s  ->  %s' % (m['file'], m['function'], m['number'], m['status'], m['before'], m['after']))
    equivalent = sum(1 for m in chosen if m.get('equivalent'))
    killed = sum(1 for m in chosen if m['status'] in DETECTED)
    print('--only %s: %d mutants, %d equivalent, %d killed, %d not killed'
          % (' '.join(patterns), len(chosen), equivalent, killed, len(undetected)))


def changed_lines(diff):
    before = [line[1:].strip() for line in diff.splitlines() if line.startswith('-') and not line.startswith('---')]
    after = [line[1:].strip() for line in diff.splitlines() if line.startswith('+') and not line.startswith('+++')]
    return ' / '.join(before), ' / '.join(after)


def collect():
    """Every mutant: (file, function, number, status, before, after), read from mutmut's own records."""
    os.chdir(WORK)
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code

    mutants = []
    for meta in sorted((WORK / 'mutants').rglob('*.py.meta')):
        source = meta.with_suffix('').relative_to(WORK / 'mutants')
        for key, code in json.loads(meta.read_text())['exit_code_by_key'].items():
            status = status_by_exit_code[code]
            path, function, number = short_name(key)
            before = after = ''
            if status not in DETECTED + ('not checked',):
                before, after = changed_lines(get_diff_for_mutant(key, path=source))
            mutants.append(dict(key=key, file=path, function=function, number=number, status=status,
                                before=before, after=after))
    return mutants


def classify(mutants):
    equivalent = yaml.safe_load(EQUIVALENT.read_text()) or []
    used = set()
    for mutant in mutants:
        if mutant['status'] in DETECTED:
            continue
        for index, entry in enumerate(equivalent):
            if (entry['file'], entry['function'], entry['before'], entry['after']) == (
                    mutant['file'], mutant['function'], mutant['before'], mutant['after']):
                mutant['equivalent'] = entry['reason']
                used.add(index)
                break
    stale = [entry for index, entry in enumerate(equivalent) if index not in used]
    return stale


def score_line(label, rows):
    total = len(rows)
    equivalent = sum(1 for m in rows if m.get('equivalent'))
    killed = sum(1 for m in rows if m['status'] in DETECTED)
    counted = total - equivalent
    percent = 100.0 * killed / counted if counted else 100.0
    return '| %s | %d | %d | %d | %d | %.1f%% |' % (label, total, equivalent, killed, counted - killed, percent)


def report(mutants, stale, seconds, max_children, mode):
    import mutmut
    lines = [
        '# Mutation testing',
        '',
        'Written by `make mutation` (tests/mutation/run.py): mutmut %s mutates `plugins/module_utils/` and'
        % mutmut.__version__,
        '`plugins/plugin_utils/` one change at a time and runs the unit tests (`tests/unit/`) that reach the',
        'changed function. A mutant is *killed* when a test fails. *Equivalent* mutants behave exactly like the',
        'code (listed with the reason in `tests/mutation/equivalent.yml`) and are not counted. String literals',
        'that contain a space (messages) are not mutated. Status *survived*: the tests that reach the function',
        'pass with the change; *no tests*: no unit test reaches the function at all; *timeout*: the tests ran past',
        "mutmut's CPU limit (a loop, or a busy machine), counted as not killed.",
        '',
        'Code and unit tests of commit %s.' % ((WORK / 'commit').read_text() if (WORK / 'commit').exists() else '(unknown)'),
        '',
        'Run time: %d s for %s, with %d workers on a 2-core machine shared with other work (times vary with load).'
        % (seconds, mode, max_children),
        '',
        '| scope | mutants | equivalent | killed | not killed | score (killed / non-equivalent) |',
        '| --- | ---: | ---: | ---: | ---: | ---: |',
        score_line('all', mutants),
    ]
    for top in MUTATED:
        lines.append(score_line('`%s/`' % top[len('plugins/'):], [m for m in mutants if m['file'].startswith(top[len('plugins/'):])]))
    for path in sorted(set(m['file'] for m in mutants)):
        lines.append(score_line('`%s`' % path, [m for m in mutants if m['file'] == path]))

    def table(rows):
        out = ['| file | function | # | status | code | mutant |', '| --- | --- | ---: | --- | --- | --- |']
        for m in rows:
            out.append('| %s | %s | %d | %s | `%s` | `%s` |' % (
                m['file'], m['function'], m['number'], m['status'],
                m['before'].replace('|', '\\|'), m['after'].replace('|', '\\|')))
        return out

    surviving = [m for m in mutants if m['status'] not in DETECTED and not m.get('equivalent')]
    by_function = {}
    for m in surviving:
        key = (m['file'], m['function'], m['status'])
        by_function[key] = by_function.get(key, 0) + 1
    explained = dict(((e['file'], e['function']), e['reason']) for e in (yaml.safe_load(EXPLAINED.read_text()) or []))
    lines += ['', '## Not killed, by function', '',
              'Why, where `tests/mutation/explained.yml` says so (these still count as not killed).', '',
              '| file | function | status | mutants | why |', '| --- | --- | --- | ---: | --- |']
    for (path, function, status), count in sorted(by_function.items(), key=lambda item: (-item[1], item[0])):
        lines.append('| %s | %s | %s | %d | %s |' % (path, function, status, count, explained.get((path, function), '')))
    lines += ['', '## Not killed (%d)' % len(surviving), '']
    lines += table(surviving) if surviving else ['None.']
    equivalent = [m for m in mutants if m.get('equivalent')]
    lines += ['', '## Equivalent (%d)' % len(equivalent), '',
              '| file | function | mutant | why no test can kill it |', '| --- | --- | --- | --- |']
    for m in equivalent:
        lines.append('| %s | %s | `%s` -> `%s` | %s |' % (
            m['file'], m['function'], m['before'].replace('|', '\\|'), m['after'].replace('|', '\\|'),
            m['equivalent']))
    if stale:
        lines += ['', '## Entries of equivalent.yml that matched no survivor (%d)' % len(stale), '']
        lines += ['- %s %s: `%s` -> `%s`' % (e['file'], e['function'], e['before'], e['after']) for e in stale]
    REPORT.write_text('\n'.join(lines) + '\n')


def run_only(specs, max_children):
    global WORK
    WORK = WORK_ONLY
    prepare()
    patterns = [mutant_pattern(spec) for spec in specs]
    subprocess.run([sys.executable, __file__, '--mutmut-run', '--max-children', str(max_children)] + patterns,
                   cwd=WORK, check=True)
    mutants = collect()
    classify(mutants)
    print_undetected(mutants, patterns)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--max-children', type=int, default=os.cpu_count() or 2)
    parser.add_argument('--mutmut-run', action='store_true', help=argparse.SUPPRESS)
    parser.add_argument('--report-only', action='store_true', help='rewrite tests/MUTATION.md from the last run')
    parser.add_argument('--again', action='store_true',
                        help='test the mutants the last run did not kill against the current unit tests '
                             '(the code must not have changed since)')
    parser.add_argument('--only', metavar='FILE[:FUNCTION]', action='append', default=[],
                        help='mutate only this file or function of plugins/ (module_utils/api.py, '
                             'module_utils/api.py:CapgoClient.request, module_utils/api.py:short_reason); prints '
                             'the mutants not killed and leaves tests/MUTATION.md alone (repeatable)')
    parser.add_argument('names', nargs='*', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mutmut_run:
        return mutmut_run(args.max_children, args.names)
    if args.only:
        return run_only(args.only, args.max_children)
    started = time.time()
    names = []
    if args.again:
        refresh_tests()
        names = undetected_keys()
    elif not args.report_only:
        prepare()
    if not args.report_only:
        subprocess.run([sys.executable, __file__, '--mutmut-run', '--max-children', str(args.max_children)] + names,
                       cwd=WORK, check=True)
    mutants = collect()
    stale = classify(mutants)
    mode = ('a re-test of the %d mutants the previous run did not kill' % len(names) if args.again
            else 'the summary only' if args.report_only else 'the whole run')
    report(mutants, stale, time.time() - started, args.max_children, mode)
    counted = [m for m in mutants if not m.get('equivalent')]
    killed = sum(1 for m in counted if m['status'] in DETECTED)
    print('mutation score: %d of %d non-equivalent mutants killed (%.1f%%); summary in %s'
          % (killed, len(counted), 100.0 * killed / max(1, len(counted)), REPORT.relative_to(ROOT)))


if __name__ == '__main__':
    main()
