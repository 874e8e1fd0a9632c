// Compare our usages with the TypeScript language service's findReferences.
const ts = require(process.env.TYPESCRIPT);
const fs = require('fs'); const path = require('path');
const data = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const root = data.root;
const cfgPath = path.join(root, process.argv[3] || 'tsconfig.json');
const cfg = ts.readConfigFile(cfgPath, ts.sys.readFile);
const parsed = ts.parseJsonConfigFileContent(cfg.config, ts.sys, path.dirname(cfgPath));
const options = Object.assign({}, parsed.options, { allowJs: true, noEmit: true });
const files = data.files.map(f => path.join(root, f));
const host = {
  getScriptFileNames: () => files,
  getScriptVersion: f => '1',
  getScriptSnapshot: f => fs.existsSync(f) ? ts.ScriptSnapshot.fromString(fs.readFileSync(f, 'utf8')) : undefined,
  getCurrentDirectory: () => root,
  getCompilationSettings: () => options,
  getDefaultLibFileName: o => ts.getDefaultLibFilePath(o),
  fileExists: ts.sys.fileExists, readFile: ts.sys.readFile, readDirectory: ts.sys.readDirectory,
  directoryExists: ts.sys.directoryExists, getDirectories: ts.sys.getDirectories,
};
const ls = ts.createLanguageService(host, ts.createDocumentRegistry());
function inImportExport(sf, pos) {
  let found = false;
  (function visit(node) {
    if (pos < node.getFullStart() || pos >= node.getEnd()) return;
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isImportEqualsDeclaration(node)) { found = true; return; }
    ts.forEachChild(node, visit);
  })(sf);
  return found;
}
let tp = 0, ours = 0, theirs = 0, unverifiable = 0, agreedByDefinition = 0; const unv = []; const misses = [], extras = [];
for (const item of data.items) {
  const file = path.join(root, item.file);
  const program = ls.getProgram();
  const sf = program.getSourceFile(file);
  if (!sf) continue;
  const pos = sf.getPositionOfLineAndCharacter(item.line, item.col);
  const refs = ls.findReferences(file, pos) || [];
  const set = new Map();
  for (const r of refs) for (const e of r.references) {
    if (e.isDefinition) continue;
    const rel = path.relative(root, e.fileName);
    if (rel.startsWith('..') || rel.includes('node_modules')) continue;
    const rsf = program.getSourceFile(e.fileName);
    if (inImportExport(rsf, e.textSpan.start)) continue;
    const lineStart = rsf.text.lastIndexOf('\n', e.textSpan.start) + 1;
    if (/^\s*(\*|\/\/|\/\*)/.test(rsf.text.slice(lineStart, e.textSpan.start))) continue; // JSDoc {@link}
    const lc = rsf.getLineAndCharacterOfPosition(e.textSpan.start);
    set.set(`${rel}:${lc.line}:${lc.character}`, true);
  }
  const mine = new Set(item.ours.map(([f, l, c]) => `${f}:${l}:${c}`));
  for (const k of mine) {
    if (set.has(k)) { tp++; continue; }
    // Ask the checker what the name at our usage denotes.
    const [f, l, c] = k.split(':');
    const usf = program.getSourceFile(path.join(root, f));
    const defs = usf ? ls.getDefinitionAtPosition(usf.fileName, usf.getPositionOfLineAndCharacter(+l, +c)) || [] : [];
    if (defs.some(d => d.failedAliasResolution) || defs.length === 0) { unverifiable++; unv.push(`${item.name} ${k}`); continue; }
    const here = defs.some(d => path.relative(root, d.fileName) === item.file && d.textSpan.start === pos);
    if (here) { tp++; agreedByDefinition++; } else extras.push(`${item.name} ${k} -> ${defs.map(d => path.relative(root, d.fileName) + ':' + d.textSpan.start).join(',')}`);
  }
  for (const k of set.keys()) if (!mine.has(k)) misses.push(`${item.name} ${k}`);
  ours += mine.size; theirs += set.size;
}
const checked = ours - unverifiable;
console.log(JSON.stringify({functions: data.items.length, ours, theirs, matched: tp, agreedByDefinition, unverifiable,
  precision: checked ? tp / checked : 1, recall: theirs ? (tp - agreedByDefinition) / theirs : 1}));
console.log('unverifiable (checker failed to resolve the alias):', unv.slice(0, 5));
console.log('extras (ours only):', extras.slice(0, 15));
console.log('misses (theirs only):', misses.slice(0, 15));
