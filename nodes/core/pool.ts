/**
 * Runs tasks with at most `limit` in flight; results keep the input order.
 */
export async function mapWithConcurrency<T, R>(
	inputs: readonly T[],
	limit: number,
	task: (input: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results: R[] = new Array(inputs.length);
	const width = Math.max(1, Math.min(Math.floor(limit) || 1, inputs.length));
	let next = 0;
	const worker = async (): Promise<void> => {
		while (next < inputs.length) {
			const index = next++;
			results[index] = await task(inputs[index], index);
		}
	};
	const workers: Array<Promise<void>> = [];
	for (let lane = 0; lane < width; lane++) workers.push(worker());
	await Promise.all(workers);
	return results;
}
