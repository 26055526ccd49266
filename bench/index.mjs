// `npm run bench`: the benchmark arrives with the scale-out work (issue 7).
console.log('kparty: no benchmarks yet — they arrive with the scale-out and performance work.');
