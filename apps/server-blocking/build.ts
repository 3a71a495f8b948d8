/** Builds server-blocking into dist/ (`turbo run build`): main.mjs. */
import { bundleApp } from '@echolab/bundle'

await bundleApp(import.meta.dirname, { main: 'src/main.ts' })
