// The JSON Schema of the config file (docs/hopwatch.schema.json), generated from the zod schema that validates
// it, so editors (yaml-language-server, VS Code, IntelliJ) complete and check hopwatch.yaml as the user types.
// It describes the file as written (io: 'input'): durations are strings like "10s", not milliseconds. Rules
// that span keys (coverage, uniqueness) stay with check-config. Regenerate with `npm run schema`.
import { z } from 'zod';
import { configSchema } from './schema.js';

/** Where example configs point their `# yaml-language-server: $schema=` line. */
export const CONFIG_SCHEMA_URL =
  'https://raw.githubusercontent.com/hopwatch/hopwatch/main/docs/hopwatch.schema.json';

export function configJsonSchema(): Record<string, unknown> {
  // draft-07: the newest draft every editor's YAML support understands.
  const generated = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' });
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: CONFIG_SCHEMA_URL,
    title: 'hopwatch config',
    description:
      'hopwatch.yaml: targets and their legs, server, storage, prober and the built-in lab (docs/spec.md section 2)',
    ...rest,
  };
}
