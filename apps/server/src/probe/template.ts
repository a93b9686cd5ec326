// Heartbeat and open-step templates: `{{seq}}` and `{{ts}}` are filled in per message (docs/spec.md#2-configuration).

export interface TemplateValues {
  seq: number;
  ts: number;
}

export function fillTemplate(template: string, values: TemplateValues): string {
  if (!template.includes('{{')) return template;
  return template.replaceAll('{{seq}}', String(values.seq)).replaceAll('{{ts}}', String(values.ts));
}
