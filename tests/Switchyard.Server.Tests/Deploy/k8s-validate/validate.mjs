// Validates every object of the multi-document YAML files given as arguments (kubectl kustomize output) against the
// Kubernetes OpenAPI schemas compiled into kubernetes-models: wrong types, bad enum values and missing required
// fields fail. Those schemas allow unknown fields (Kubernetes' own OpenAPI has no additionalProperties: false), so
// unknown fields are found here: the object is validated through a Proxy that records which keys the validator looks
// up; a key present in an object but never looked up is not in that object's schema. (Maps such as labels or
// ConfigMap data are enumerated by the validator, which marks all their keys as looked up.) An object of an
// apiVersion/kind with no schema is a problem too, so nothing passes unchecked.
// Prints "ok <kind>/<name>" per valid object and one line per problem; exits 1 on any problem.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

/** IoK8sApiAppsV1Deployment for apps/v1 Deployment; IoK8sApiCoreV1Service for v1 Service. */
function schemaName(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
  const cap = s => s.charAt(0).toUpperCase() + s.slice(1);
  return `IoK8sApi${group.split(".")[0].split("-").map(cap).join("")}${cap(version)}${kind}`;
}

/** Wraps obj (and everything under it) so that looked-up and enumerated keys land in seen (a Map object → Set). */
function tracked(obj, seen) {
  if (obj === null || typeof obj !== "object") return obj;
  const keys = new Set();
  seen.set(obj, keys);
  const wrapped = Array.isArray(obj) ? obj.map(v => tracked(v, seen)) : Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, tracked(v, seen)]));
  return new Proxy(wrapped, {
    get(target, key, receiver) { if (typeof key === "string") keys.add(key); return Reflect.get(target, key, receiver); },
    has(target, key) { if (typeof key === "string") keys.add(key); return Reflect.has(target, key); },
    ownKeys(target) { for (const k of Reflect.ownKeys(target)) if (typeof k === "string") keys.add(k); return Reflect.ownKeys(target); },
  });
}

function unknownFields(obj, seen, path, out) {
  if (obj === null || typeof obj !== "object") return out;
  if (Array.isArray(obj)) { obj.forEach((v, i) => unknownFields(v, seen, `${path}/${i}`, out)); return out; }
  const keys = seen.get(obj) ?? new Set();
  for (const [k, v] of Object.entries(obj)) {
    if (!keys.has(k)) out.push(`${path}/${k}`);
    else unknownFields(v, seen, `${path}/${k}`, out);
  }
  return out;
}

let problems = 0;
const report = (where, message) => { console.log(`${where}: ${message}`); problems++; };
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length) { report(file, `YAML: ${doc.errors.map(e => e.message).join("; ")}`); continue; }
    const obj = doc.toJS();
    if (obj === null) continue;
    const where = `${obj.kind}/${obj.metadata?.name}`;
    let validate;
    try { ({ validate } = await import(`kubernetes-models/_schemas/${schemaName(obj.apiVersion, obj.kind)}`)); } catch { validate = undefined; }
    if (typeof validate !== "function") { report(where, `no schema for ${obj.apiVersion} ${obj.kind}`); continue; }
    const seen = new Map();
    const errors = validate(tracked(obj, seen)) ? [] : validate.errors.map(e => `${e.instancePath || "/"} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
    errors.push(...unknownFields(obj, seen, "", []).map(p => `${p}: unknown field`));
    if (errors.length) for (const e of errors) report(where, e);
    else console.log(`ok ${where}`);
  }
}
process.exit(problems ? 1 : 0);
