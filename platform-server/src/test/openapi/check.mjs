// The check of the API document from outside the JVM: every answer that OpenApiContractTests
// captured (target/openapi-contract/answers.json) is checked against the document the server
// served (target/openapi-contract/openapi.json) with Ajv, a JSON Schema 2020-12 implementation
// that shares nothing with the Java validator or the generator: the status must be documented
// for the operation, the content type for the status, and a JSON body must validate against its
// schema. Usage: node check.mjs <directory of the captured files>
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const dir = process.argv[2] ?? '../openapi-contract';
const answersFile = join(dir, 'answers.json');
if (!existsSync(answersFile)) {
	console.error(`OpenAPI check: ${answersFile} is missing; OpenApiContractTests writes it (run it, e.g. `
		+ `mvn -pl platform-server -am -Dtest=OpenApiContractTests -Dsurefire.failIfNoSpecifiedTests=false verify)`);
	process.exit(1);
}
const document = JSON.parse(readFileSync(join(dir, 'openapi.json'), 'utf8'));
const answers = JSON.parse(readFileSync(answersFile, 'utf8'));

// OpenAPI names shared schemas #/components/schemas/X; in one JSON Schema resource they are $defs
const rewrite = (node) => {
	if (Array.isArray(node)) {
		return node.map(rewrite);
	}
	if (node !== null && typeof node === 'object') {
		return Object.fromEntries(Object.entries(node).map(([key, value]) => [key,
			(key === '$ref' && typeof value === 'string')
				? value.replace('#/components/schemas/', '#/$defs/') : rewrite(value)]));
	}
	return node;
};
const defs = rewrite(document.components?.schemas ?? {});

// strict off: OpenAPI adds keywords of its own (example, discriminator, xml) that are not JSON Schema
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);

const validators = new Map();
const failures = [];
let validated = 0;
for (const answer of answers) {
	const name = `${answer.method.toUpperCase()} ${answer.path} ${answer.status}`;
	const responses = document.paths?.[answer.path]?.[answer.method]?.responses;
	if (!responses) {
		failures.push(`${name}: the operation is not documented`);
		continue;
	}
	const response = responses[String(answer.status)];
	if (!response) {
		failures.push(`${name}: the status is not documented (documented: ${Object.keys(responses)})`);
		continue;
	}
	const content = response.content ?? {};
	if (!('body' in answer) && !('bytes' in answer)) {
		if (Object.keys(content).length > 0) {
			failures.push(`${name}: no body, but the document describes one`);
		}
		validated++;
		continue;
	}
	const media = content[answer.content_type];
	if (!media?.schema) {
		failures.push(`${name}: content type ${answer.content_type} is not documented (documented: ${Object.keys(content)})`);
		continue;
	}
	validated++;
	if (!('body' in answer)) {
		continue; // a file (CSV, XLSX): its documented type is what a client relies on
	}
	const key = `${answer.method} ${answer.path} ${answer.status} ${answer.content_type}`;
	if (!validators.has(key)) {
		validators.set(key, ajv.compile({ ...rewrite(media.schema), $defs: defs }));
	}
	const validate = validators.get(key);
	if (!validate(answer.body)) {
		failures.push(`${name}: ${ajv.errorsText(validate.errors)}`);
	}
}

for (const failure of failures) {
	console.error(`OpenAPI check: ${failure}`);
}
console.log('OpenAPI check (Ajv, JSON Schema 2020-12): '
	+ `${answers.length} answers, ${validated} match the document, ${failures.length} do not`);
process.exit((failures.length === 0 && answers.length > 0) ? 0 : 1);
