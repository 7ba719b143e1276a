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

type Def = Record<string, unknown> & { typeName?: string };

function lengthCheck(def: Def): (length: number) => boolean {
	const min = (def.minLength as { value: number } | null)?.value ?? 0;
	const max = (def.maxLength as { value: number } | null)?.value ?? Infinity;
	const exact = (def.exactLength as { value: number } | null)?.value;
	return exact === undefined ? (length) => length >= min && length <= max : (length) => length === exact;
}

/**
 * Compiles the part of zod the presets use into a plain predicate, so an
 * accepted request costs a few property reads instead of a zod parse.
 * Undefined for anything it does not know, which then goes to zod.
 */
function compile(schema: ZodTypeAny): EnvelopeCheck | undefined {
	const custom = customPredicates.get(schema);
	if (custom) return custom;
	const def = schema._def as Def;
	switch (def.typeName) {
		case 'ZodUnknown':
		case 'ZodAny':
			return () => true;
		case 'ZodString': {
			const checks = def.checks as Array<{ kind: string; value?: number }>;
			let min = 0;
			let max = Infinity;
			for (const check of checks) {
				if (check.kind === 'min') min = Math.max(min, check.value ?? 0);
				else if (check.kind === 'max') max = Math.min(max, check.value ?? Infinity);
				else return undefined;
			}
			return (value) => typeof value === 'string' && value.length >= min && value.length <= max;
		}
		case 'ZodNumber':
			if ((def.checks as unknown[]).length > 0) return undefined;
			return (value) => typeof value === 'number' && !Number.isNaN(value);
		case 'ZodBoolean':
			return (value) => typeof value === 'boolean';
		case 'ZodOptional': {
			const inner = compile(def.innerType as ZodTypeAny);
			return inner && ((value) => value === undefined || inner(value));
		}
		case 'ZodNullable': {
			const inner = compile(def.innerType as ZodTypeAny);
			return inner && ((value) => value === null || inner(value));
		}
		case 'ZodUnion': {
			const options = (def.options as ZodTypeAny[]).map(compile);
			if (options.some((option) => option === undefined)) return undefined;
			const checks = options as EnvelopeCheck[];
			return (value) => checks.some((check) => check(value));
		}
		case 'ZodArray': {
			const element = compile(def.type as ZodTypeAny);
			if (!element) return undefined;
			const length = lengthCheck(def);
			return (value) => Array.isArray(value) && length(value.length) && value.every(element);
		}
		case 'ZodObject': {
			if (def.unknownKeys === 'strict') return undefined;
			if ((def.catchall as ZodTypeAny)._def.typeName !== 'ZodNever') return undefined;
			const shape = (def.shape as () => Record<string, ZodTypeAny>)();
			const fields: Array<[string, EnvelopeCheck]> = [];
			for (const [key, fieldSchema] of Object.entries(shape)) {
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
		default:
			return undefined;
	}
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
