import { runBurst } from './scenarios/burst.ts'
console.log(JSON.stringify(await runBurst(process.argv.includes('--small')), null, 2))
