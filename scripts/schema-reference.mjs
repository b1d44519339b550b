// Field reference pages (docs/reference/*.md) generated from schemas/*.schema.json by gen-docs.mjs:
// every field path with its type, whether it is required, its allowed values and its description.
// $refs are followed (also across schema files); the line schema's oneOf becomes one section per
// line `type`. No dependencies.

/** The generated pages: output file (repo-relative) and the schema it documents. */
export const REFERENCE_PAGES = [
  { schema: 'line.schema.json', doc: 'docs/reference/line.md', title: 'NDJSON line reference', what: 'one line of the NDJSON stream (`results.ndjson`, `journal.ndjson`, the reporter destination)' },
  { schema: 'report.schema.json', doc: 'docs/reference/report.md', title: 'report.json reference', what: '`report.json`, the fold of one run (or of an aggregate)' },
  { schema: 'manifest.schema.json', doc: 'docs/reference/manifest.md', title: 'manifest.json reference', what: '`manifest.json`, the evidence manifest written before `SHA256SUMS`' },
  { schema: 'inventory.schema.json', doc: 'docs/reference/inventory.md', title: 'inventory.json reference', what: '`inventory.json`, written by `llm-report inventory`' },
  { schema: 'addendum.schema.json', doc: 'docs/reference/addendum.md', title: 'Addendum reference', what: '`addenda/NNN/annotations.json`, LLM annotations added to a sealed run (`llm-report annotate`)' },
  { schema: 'annotation.schema.json', doc: 'docs/reference/annotation.md', title: 'LLM answer reference', what: 'the JSON answer a model must give for one test (`llm-report annotate`)' },
];

// Line types are documented once, in line.md; other pages link to them instead of repeating them.
const LINE_PAGE = 'line.md';

/** Text cell: pipes would split the cell; outside code spans `*` would be emphasis and `<` HTML. */
export function cellText(s) {
  return String(s)
    .replace(/\n/g, ' ')
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 ? part : part.replace(/\*/g, '\\*').replace(/</g, '&lt;')))
    .join('')
    .replace(/\|/g, '\\|');
}

const code = (v) => '`' + String(v).replace(/\|/g, '\\|') + '`';

function pointer(doc, ptr, where) {
  let node = doc;
  for (const raw of ptr.split('/').filter(Boolean)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) throw new Error(`gen-docs: unresolvable $ref ${where}`);
    node = node[key];
  }
  return node;
}

/** Follows $ref chains. Returns the target, the file it lives in, the ref name and the nearest description. */
function deref(schemas, node, file) {
  let description = node?.description;
  let lineVariant;
  while (node && typeof node === 'object' && typeof node.$ref === 'string') {
    const [refFile, ptr = ''] = node.$ref.split('#');
    const target = refFile || file;
    if (!schemas[target]) throw new Error(`gen-docs: ${file}: $ref to unknown schema ${node.$ref}`);
    const m = /^\/\$defs\/([a-z_]+)$/.exec(ptr);
    if (target === 'line.schema.json' && m && lineVariants(schemas).includes(m[1])) lineVariant = m[1];
    node = pointer(schemas[target], ptr, `${node.$ref} in ${file}`);
    file = target;
    description ??= node?.description;
  }
  return { node, file, description, lineVariant };
}

function lineVariants(schemas) {
  return (schemas['line.schema.json'].oneOf ?? []).map((v) => v.$ref.replace('#/$defs/', ''));
}

/** Properties and required names of an object schema, allOf members merged in. */
function members(schemas, node, file) {
  const props = [];
  const required = new Set(node.required ?? []);
  for (const part of node.allOf ?? []) {
    const { node: p, file: pf } = deref(schemas, part, file);
    const sub = members(schemas, p, pf);
    props.push(...sub.props);
    for (const r of sub.required) required.add(r);
  }
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const at = props.findIndex((p) => p.name === name);
    if (at >= 0) props.splice(at, 1);
    props.push({ name, child, file });
  }
  return { props, required };
}

function jsonType(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return Number.isInteger(v) ? 'integer' : typeof v;
}

function typeOf(schemas, raw, file) {
  const { node, file: f } = deref(schemas, raw, file);
  if (node === true || node === undefined) return 'any';
  if ('const' in node) return jsonType(node.const);
  if (node.enum) return [...new Set(node.enum.map(jsonType))].join(' or ');
  if (node.type === 'array') {
    if (node.prefixItems) return `[${node.prefixItems.map((p) => typeOf(schemas, p, f)).join(', ')}]`;
    if (node.items && typeof node.items === 'object') return `${typeOf(schemas, node.items, f)}[]`;
    return 'array';
  }
  if (node.type === 'object' && node.additionalProperties && typeof node.additionalProperties === 'object') {
    return `object (string → ${typeOf(schemas, node.additionalProperties, f)})`;
  }
  if (Array.isArray(node.type)) return node.type.join(' or ');
  if (node.type) return node.type;
  if (node.properties || node.allOf) return 'object';
  return 'any';
}

function valuesOf(node) {
  const out = [];
  if ('const' in node) out.push(`always ${code(JSON.stringify(node.const))}`);
  if (node.enum) out.push(node.enum.map((v) => code(JSON.stringify(v))).join(', '));
  if (node.pattern) out.push(`pattern ${code(node.pattern)}`);
  if (node.minimum !== undefined && node.maximum !== undefined) out.push(`${node.minimum} to ${node.maximum}`);
  else if (node.minimum !== undefined) out.push(`≥ ${node.minimum}`);
  else if (node.maximum !== undefined) out.push(`≤ ${node.maximum}`);
  if (node.minLength) out.push(`length ≥ ${node.minLength}`);
  if (node.maxLength) out.push(`length ≤ ${node.maxLength}`);
  if (node.minItems && node.type === 'array' && !node.prefixItems) out.push(`at least ${node.minItems} items`);
  if (node.maxItems && node.type === 'array' && !node.prefixItems) out.push(`at most ${node.maxItems} items`);
  if (node['x-volatile']) out.push('volatile');
  return out.join('; ');
}

/**
 * Rows for every field under an object schema. `expand` says whether $refs to line types are
 * expanded (on the line page) or linked.
 */
function rows(schemas, node, file, prefix, ctx, stack = []) {
  const out = [];
  const { props, required } = members(schemas, node, file);
  for (const { name, child, file: cf } of props) {
    const path = prefix ? `${prefix}.${name}` : name;
    const r = deref(schemas, child, cf);
    let description = r.description ?? '';
    const items = r.node?.type === 'array' && r.node.items && typeof r.node.items === 'object' ? deref(schemas, r.node.items, r.file) : undefined;
    const linkTo = ctx.link ? (r.lineVariant ?? items?.lineVariant) : undefined;
    if (linkTo) description = `${description ? `${description} ` : ''}Each item is a \`${linkTo}\` record: [fields](${LINE_PAGE}#${linkTo}).`.trim();
    out.push({ path, type: typeOf(schemas, child, cf), required: required.has(name), values: valuesOf(r.node ?? {}), description });
    if (linkTo) continue;
    const key = `${r.file}:${JSON.stringify(r.node)}`;
    if (stack.includes(key)) continue; // a recursive schema: listed once
    if (r.node?.properties || r.node?.allOf) out.push(...rows(schemas, r.node, r.file, path, ctx, [...stack, key]));
    else if (items?.node?.properties || items?.node?.allOf) out.push(...rows(schemas, items.node, items.file, `${path}[]`, ctx, [...stack, key]));
  }
  return out;
}

function table(list) {
  const out = ['| Field | Type | Required | Values | Description |', '| --- | --- | --- | --- | --- |'];
  for (const r of list) out.push(`| ${code(r.path)} | ${cellText(r.type)} | ${r.required ? 'yes' : 'no'} | ${r.values} | ${cellText(r.description)} |`);
  return out.join('\n');
}

function header(page) {
  return `# ${page.title}

<!-- Generated by scripts/gen-docs.mjs from schemas/${page.schema}. Do not edit by hand:
     change the schema, then run \`node scripts/gen-docs.mjs\`. A test fails when this file is stale. -->

The contract for ${page.what}: [\`schemas/${page.schema}\`](../../schemas/${page.schema}) (JSON Schema
2020-12). Field paths use \`.\` for nesting and \`[]\` for the items of an array. **Required** is
relative to the enclosing object; **volatile** fields change between identical runs and are left out of
canonical content (determinism checks, hashes).`;
}

function renderLine(schemas, page) {
  const schema = schemas[page.schema];
  const variants = lineVariants(schemas);
  const parts = [header(page), cellFree(schema.description), '## Line types\n\n| Line type | What |\n| --- | --- |\n' + variants.map((v) => `| [${v}](#${v}) | ${cellText((schema.$defs[v].properties.type.description ?? '').replace(/^Line type: /, ''))} |`).join('\n')];
  for (const v of variants) {
    const def = schema.$defs[v];
    parts.push(`## \`${v}\`\n\n${def.description ? `${cellFree(def.description)}\n\n` : ''}${table(rows(schemas, def, page.schema, '', { link: false }))}`);
  }
  return parts.join('\n\n') + '\n';
}

function renderObject(schemas, page) {
  const schema = schemas[page.schema];
  const all = rows(schemas, schema, page.schema, '', { link: true });
  const top = all.filter((r) => !r.path.includes('.') && !r.path.includes('[]'));
  const parts = [header(page), cellFree(schema.description), `## Top level\n\n${table(top)}`];
  for (const t of top) {
    const below = all.filter((r) => r.path.startsWith(`${t.path}.`) || r.path.startsWith(`${t.path}[].`));
    if (below.length) parts.push(`## \`${t.path}\`\n\n${table(below)}`);
  }
  return parts.join('\n\n') + '\n';
}

// Free text outside tables: only `<` outside code spans needs care.
function cellFree(s) {
  return String(s ?? '')
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 ? part : part.replace(/</g, '&lt;')))
    .join('');
}

/** [{ doc, text }] for every reference page. `schemas` maps file name to parsed schema. */
export function renderReferencePages(schemas) {
  return REFERENCE_PAGES.map((page) => ({
    doc: page.doc,
    source: `schemas/${page.schema}`,
    text: page.schema === 'line.schema.json' ? renderLine(schemas, page) : renderObject(schemas, page),
  }));
}
