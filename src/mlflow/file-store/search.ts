/**
 * Searching a local store the way MLflow searches it (`mlflow/utils/search_utils.py`): filter
 * strings of comparisons joined by AND, `order_by` clauses, and offset page tokens.
 *
 * Supported: identifiers `attribute`, `metric`, `param`, `tag`, `dataset` (singular or plural,
 * `attributes.` optional), keys quoted with backticks or double quotes or left bare; operators
 * `=`, `!=`, `<`, `<=`, `>`, `>=`, `LIKE`, `ILIKE`, `IN`, `NOT IN`; string and number literals.
 */
import { MlflowValidationError } from '../errors.js';

export type FieldKind = 'attribute' | 'metric' | 'param' | 'tag' | 'dataset';
export type FieldValue = string | number | undefined | Array<string | number>;

/** Reads one field of an entity; `dataset` fields may have several values. */
export type FieldReader<T> = (entity: T, kind: FieldKind, key: string) => FieldValue;

/** The reader of an entity searched by its attributes and tags only (experiments, registered models, versions). */
export function attributesAndTags<T extends { tags: Readonly<Record<string, string>> }>(
  attributes: (entity: T) => Record<string, string | number | undefined>,
): FieldReader<T> {
  return (entity, kind, key) => (kind === 'tag' ? entity.tags[key] : kind === 'attribute' ? attributes(entity)[key] : undefined);
}

interface Comparison {
  kind: FieldKind;
  key: string;
  op: string;
  value: string | number | Array<string | number>;
}

const KIND_ALIASES: Record<string, FieldKind> = {
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  dataset: 'dataset',
  datasets: 'dataset',
};

function badFilter(filter: string, why: string): MlflowValidationError {
  return new MlflowValidationError(`cannot parse the search filter "${filter}": ${why}`, {
    hint: "use comparisons joined by AND, e.g. tags.`team` = 'ml' AND metrics.acc > 0.9",
  });
}

class Scanner {
  private position = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    this.skipSpace();
    return this.position >= this.text.length;
  }

  private skipSpace(): void {
    while (this.position < this.text.length && /\s/.test(this.text[this.position] ?? '')) this.position += 1;
  }

  peekWord(): string {
    this.skipSpace();
    return /^[A-Za-z]+/.exec(this.text.slice(this.position))?.[0] ?? '';
  }

  take(pattern: RegExp): string | undefined {
    this.skipSpace();
    const match = pattern.exec(this.text.slice(this.position));
    if (!match || match.index !== 0) return undefined;
    this.position += match[0].length;
    return match[0];
  }

  quoted(): string | undefined {
    this.skipSpace();
    const quote = this.text[this.position];
    if (quote !== "'" && quote !== '"' && quote !== '`') return undefined;
    let value = '';
    for (let i = this.position + 1; i < this.text.length; i += 1) {
      const char = this.text[i];
      if (char === '\\' && i + 1 < this.text.length) {
        value += this.text[i + 1];
        i += 1;
      } else if (char === quote) {
        if (this.text[i + 1] === quote) {
          value += quote;
          i += 1;
        } else {
          this.position = i + 1;
          return value;
        }
      } else {
        value += char;
      }
    }
    return undefined;
  }
}

function parseIdentifier(scanner: Scanner, filter: string): { kind: FieldKind; key: string } {
  const quotedWhole = scanner.quoted();
  if (quotedWhole !== undefined) return { kind: 'attribute', key: quotedWhole };
  const head = scanner.take(/^[A-Za-z_][\w]*/);
  if (head === undefined) throw badFilter(filter, 'expected a field name');
  const kind = KIND_ALIASES[head.toLowerCase()];
  if (kind === undefined || scanner.take(/^\./) === undefined) return { kind: 'attribute', key: head };
  const key = scanner.quoted() ?? scanner.take(/^[\w.\-/:]+/);
  if (key === undefined) throw badFilter(filter, `expected a key after "${head}."`);
  return { kind, key };
}

function parseLiteral(scanner: Scanner, filter: string): string | number {
  const text = scanner.quoted();
  if (text !== undefined) return text;
  const number = scanner.take(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/);
  if (number !== undefined) return Number(number);
  throw badFilter(filter, 'expected a quoted string or a number');
}

function parseFilter(filter: string | undefined): Comparison[] {
  if (filter === undefined || filter.trim() === '') return [];
  const scanner = new Scanner(filter);
  const comparisons: Comparison[] = [];
  for (;;) {
    const { kind, key } = parseIdentifier(scanner, filter);
    let op = scanner.take(/^(!=|<>|<=|>=|=|<|>)/);
    if (op === undefined) {
      const word = scanner.peekWord().toUpperCase();
      if (word === 'NOT') {
        scanner.take(/^[A-Za-z]+/);
        if (scanner.peekWord().toUpperCase() !== 'IN') throw badFilter(filter, 'expected IN after NOT');
        op = 'NOT IN';
      } else if (word === 'LIKE' || word === 'ILIKE' || word === 'IN') {
        op = word;
      } else {
        throw badFilter(filter, `unknown comparison after "${key}"`);
      }
      scanner.take(/^[A-Za-z]+/);
    }
    let value: Comparison['value'];
    if (op === 'IN' || op === 'NOT IN') {
      if (scanner.take(/^\(/) === undefined) throw badFilter(filter, `expected "(" after ${op}`);
      const items: Array<string | number> = [];
      do items.push(parseLiteral(scanner, filter));
      while (scanner.take(/^,/) !== undefined);
      if (scanner.take(/^\)/) === undefined) throw badFilter(filter, 'expected ")"');
      value = items;
    } else {
      value = parseLiteral(scanner, filter);
    }
    comparisons.push({ kind, key, op: op === '<>' ? '!=' : op, value });
    if (scanner.done()) return comparisons;
    if (scanner.peekWord().toUpperCase() !== 'AND') throw badFilter(filter, 'clauses must be joined by AND');
    scanner.take(/^[A-Za-z]+/);
  }
}

function likePattern(pattern: string, caseInsensitive: boolean): RegExp {
  const source = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's');
}

function compareOne(actual: string | number, op: string, expected: Comparison['value']): boolean {
  if (Array.isArray(expected)) {
    const found = expected.some((item) => String(item) === String(actual));
    return op === 'IN' ? found : !found;
  }
  if (op === 'LIKE' || op === 'ILIKE') return likePattern(String(expected), op === 'ILIKE').test(String(actual));
  const numeric = typeof actual === 'number' || typeof expected === 'number';
  const a = numeric ? Number(actual) : String(actual);
  const b = numeric ? Number(expected) : String(expected);
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      return false;
  }
}

function matchesFilter<T>(entity: T, comparisons: Comparison[], read: FieldReader<T>): boolean {
  return comparisons.every((comparison) => {
    const actual = read(entity, comparison.kind, comparison.key);
    if (actual === undefined) return false;
    const values = Array.isArray(actual) ? actual : [actual];
    return values.some((value) => compareOne(value, comparison.op, comparison.value));
  });
}

export interface OrderClause {
  kind: FieldKind;
  key: string;
  ascending: boolean;
}

function parseOrderBy(orderBy: readonly string[]): OrderClause[] {
  return orderBy.map((clause) => {
    const direction = /\s+(ASC|DESC)\s*$/i.exec(clause);
    const field = direction ? clause.slice(0, direction.index) : clause;
    const [parsed] = parseFilter(`${field} = 0`);
    if (!parsed) throw badFilter(clause, 'expected a field to order by');
    return { kind: parsed.kind, key: parsed.key, ascending: direction?.[1]?.toUpperCase() !== 'DESC' };
  });
}

/** Sorts by the clauses; missing values go last, as in MLflow. */
function sortEntities<T>(entities: T[], clauses: OrderClause[], read: FieldReader<T>): T[] {
  return [...entities].sort((x, y) => {
    for (const clause of clauses) {
      const a = read(x, clause.kind, clause.key);
      const b = read(y, clause.kind, clause.key);
      const first = Array.isArray(a) ? a[0] : a;
      const second = Array.isArray(b) ? b[0] : b;
      if (first === second) continue;
      if (first === undefined) return 1;
      if (second === undefined) return -1;
      const order = first < second ? -1 : 1;
      return clause.ascending ? order : -order;
    }
    return 0;
  });
}

/** MLflow's page token: base64 of `{"offset": n}`. */
export function paginate<T>(items: T[], pageToken: string | undefined, maxResults: number): { items: T[]; nextPageToken: string | undefined } {
  let offset = 0;
  if (pageToken) {
    try {
      offset = Number((JSON.parse(Buffer.from(pageToken, 'base64').toString('utf8')) as { offset?: unknown }).offset);
    } catch {
      offset = Number.NaN;
    }
    if (!Number.isInteger(offset) || offset < 0) {
      throw new MlflowValidationError(`invalid page token "${pageToken}"`, { hint: 'pass the token a previous search returned' });
    }
  }
  const end = offset + maxResults;
  return {
    items: items.slice(offset, end),
    nextPageToken: end < items.length ? Buffer.from(JSON.stringify({ offset: end })).toString('base64') : undefined,
  };
}

/** Filters, sorts and pages entities in one go, as each search of the store does. */
export function searchEntities<T>(
  entities: T[],
  read: FieldReader<T>,
  request: { filter?: string | undefined; orderBy: readonly string[]; pageToken?: string | undefined; maxResults: number },
): { items: T[]; nextPageToken: string | undefined } {
  const filter = parseFilter(request.filter);
  const matched = entities.filter((entity) => matchesFilter(entity, filter, read));
  return paginate(sortEntities(matched, parseOrderBy(request.orderBy), read), request.pageToken, request.maxResults);
}
