import { z, type ZodTypeAny } from 'zod';

/** A yes/no check of a parsed body that agrees with a zod schema's `safeParse().success`. */
export type EnvelopeCheck = (value: unknown) => boolean;

const customPredicates = new WeakMap<object, EnvelopeCheck>();
const compiled = new WeakMap<object, EnvelopeCheck | null>();

/** `z.custom` whose predicate the fast path can call directly. */
export function customCheck<T>(predicate: (value: unknown) => boolean, message: string): z.ZodType<T> {
	const schema = z.custom<T>(predicate, { message });
	customPredicates.set(schema, predicate);
	return schema;
}

/** Longest array the fast path measures its bounds up to; longer ones go to zod. */
const ARRAY_PROBE_LENGTH = 10_000;
const PROBE_KEY = '__envelopeCheckProbe__';
const STRING_PROBE_CHARS = ['a', 'Z', '0', ' ', '-', '\u00e9'];

function issuesOf(schema: ZodTypeAny, value: unknown): z.ZodIssue[] {
	const parsed = schema.safeParse(value);
	return parsed.success ? [] : parsed.error.issues;
}

/**
 * An array schema's length bounds, read from the issues zod reports for `[]` and for a
 * long array: zod's public API has no getter for them. Past the probe, zod decides.
 */
function arrayBounds(schema: ZodTypeAny): { min: number; max: number } {
	let min = 0;
	let max = ARRAY_PROBE_LENGTH;
	for (const issue of issuesOf(schema, [])) {
		if (issue.path.length === 0 && issue.code === 'too_small') {
			min = Number(issue.minimum);
			if (issue.exact) max = min;
		}
	}
	for (const issue of issuesOf(schema, new Array<undefined>(ARRAY_PROBE_LENGTH + 1).fill(undefined))) {
		if (issue.path.length === 0 && issue.code === 'too_big') max = Math.min(max, Number(issue.maximum));
	}
	return { min, max };
}

/**
 * A string schema's length bounds, when they are all it checks. zod exposes min and max but not
 * a regex, `startsWith` or an exact length, so strings of allowed lengths are tried first:
 * if zod refuses any, the schema checks more than lengths and zod decides.
 */
function plainStringBounds(schema: z.ZodString): { min: number; max: number } | undefined {
	const min = schema.minLength ?? 0;
	const max = schema.maxLength ?? Infinity;
	for (const length of [min, min + 1, min + 33]) {
		if (length > max) continue;
		for (const char of STRING_PROBE_CHARS) {
			if (!schema.safeParse(char.repeat(length)).success) return undefined;
		}
	}
	return { min, max };
}

/** True when an object schema refuses or checks keys it does not list (strict, catchall). */
function checksUnlistedKeys(schema: z.AnyZodObject): boolean {
	return issuesOf(schema, { [PROBE_KEY]: PROBE_KEY }).some(
		(issue) => issue.code === 'unrecognized_keys' || issue.path[0] === PROBE_KEY,
	);
}

/**
 * Compiles the part of zod the presets use into a plain predicate, through zod's public API
 * only, so an accepted request costs a few property reads instead of a zod parse. The
 * predicate may refuse what zod would accept (zod then decides), never the other way round.
 * Undefined for anything it does not know, which then goes to zod.
 */
function compile(schema: ZodTypeAny): EnvelopeCheck | undefined {
	const custom = customPredicates.get(schema);
	if (custom) return custom;
	if (schema instanceof z.ZodUnknown || schema instanceof z.ZodAny) return () => true;
	if (schema instanceof z.ZodBoolean) return (value) => typeof value === 'boolean';
	if (schema instanceof z.ZodNumber) {
		// isFinite is true for any int, multipleOf or finite check; with no bounds either, it checks nothing else.
		if (schema.minValue !== null || schema.maxValue !== null || schema.isFinite) return undefined;
		return (value) => typeof value === 'number' && !Number.isNaN(value);
	}
	if (schema instanceof z.ZodString) {
		const bounds = plainStringBounds(schema);
		if (!bounds) return undefined;
		const { min, max } = bounds;
		return (value) => typeof value === 'string' && value.length >= min && value.length <= max;
	}
	if (schema instanceof z.ZodOptional) {
		const inner = compile(schema.unwrap() as ZodTypeAny);
		return inner && ((value) => value === undefined || inner(value));
	}
	if (schema instanceof z.ZodNullable) {
		const inner = compile(schema.unwrap() as ZodTypeAny);
		return inner && ((value) => value === null || inner(value));
	}
	if (schema instanceof z.ZodUnion) {
		const options = (schema.options as ZodTypeAny[]).map(compile);
		if (options.some((option) => option === undefined)) return undefined;
		const checks = options as EnvelopeCheck[];
		return (value) => checks.some((check) => check(value));
	}
	if (schema instanceof z.ZodArray) {
		const element = compile(schema.element as ZodTypeAny);
		if (!element) return undefined;
		const { min, max } = arrayBounds(schema);
		return (value) => Array.isArray(value) && value.length >= min && value.length <= max && value.every(element);
	}
	if (schema instanceof z.ZodObject) {
		if (checksUnlistedKeys(schema)) return undefined;
		const fields: Array<[string, EnvelopeCheck]> = [];
		for (const [key, fieldSchema] of Object.entries(schema.shape as Record<string, ZodTypeAny>)) {
			const check = compile(fieldSchema);
			if (!check) return undefined;
			fields.push([key, check]);
		}
		return (value) => {
			if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
			const record = value as Record<string, unknown>;
			for (let index = 0; index < fields.length; index++) {
				if (!fields[index][1](record[fields[index][0]])) return false;
			}
			return true;
		};
	}
	return undefined;
}

/** The fast check for a schema, compiled once; undefined when zod must decide. */
export function envelopeCheck(schema: ZodTypeAny): EnvelopeCheck | undefined {
	let check = compiled.get(schema);
	if (check === undefined) {
		check = compile(schema) ?? null;
		compiled.set(schema, check);
	}
	return check ?? undefined;
}

export type EnvelopeResult =
	| { ok: true }
	| { ok: false; issues: ReadonlyArray<{ path: ReadonlyArray<string | number>; message: string }> };

/** Accepts through the fast check when it can; zod decides (and explains) otherwise. */
export function checkEnvelope(schema: ZodTypeAny, value: unknown): EnvelopeResult {
	if (envelopeCheck(schema)?.(value)) return { ok: true };
	const parsed = schema.safeParse(value);
	return parsed.success ? { ok: true } : { ok: false, issues: parsed.error.issues };
}
