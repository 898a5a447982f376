/**
 * Run configs as text: YAML (1.2, through the `yaml` package) or JSON, read with the line of a syntax error and
 * written back in full. Pure: reading the file is the caller's.
 */
import { Document, isScalar, parse as parseYaml, visit, YAMLParseError } from 'yaml';

export type ConfigFormat = 'yaml' | 'json';

/** The format a file name implies (`.yaml`, `.yml`, `.json`); undefined for any other. */
export function configFormatOf(fileName: string): ConfigFormat | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  if (lower.endsWith('.json')) return 'json';
  return undefined;
}

/** 1-based line and column of a character offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/**
 * The config a text holds. Errors start with `source` and name the line (and column) of a syntax error; a text
 * that holds no mapping (empty, a list, a number) is refused too.
 */
export function parseConfigText(text: string, format: ConfigFormat, source: string): Record<string, unknown> {
  let value: unknown;
  if (format === 'json') {
    try {
      value = JSON.parse(text);
    } catch (error) {
      const message = (error as Error).message;
      const position = /at position (\d+)/.exec(message);
      const where = position ? lineAndColumn(text, Number(position[1])) : undefined;
      throw new Error(`${source}: ${where ? `line ${where.line}, column ${where.column}: ` : ''}${message.replace(/ in JSON at position \d+.*$/, '')} (not valid JSON)`);
    }
  } else {
    try {
      value = parseYaml(text, { prettyErrors: true });
    } catch (error) {
      if (!(error instanceof YAMLParseError)) throw error;
      const where = error.linePos?.[0];
      const reason = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      throw new Error(`${source}: ${where ? `line ${where.line}, column ${where.col}: ` : ''}${reason} (not valid YAML)`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = value === null || value === undefined ? 'nothing' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    throw new Error(`${source}: holds ${what}; a run config is a mapping of fields, e.g. kind: pipeline`);
  }
  return value as Record<string, unknown>;
}

/** A config as YAML or JSON text, every field written (what `ktlab config` prints); YAML lists of scalars on one line. */
export function formatConfigText(config: unknown, format: ConfigFormat): string {
  if (format === 'json') return `${JSON.stringify(config, null, 2)}\n`;
  const document = new Document(config);
  visit(document, {
    Seq(_, node) {
      if (node.items.every((item) => isScalar(item))) node.flow = true;
    },
  });
  return document.toString({ lineWidth: 0, flowCollectionPadding: false });
}
