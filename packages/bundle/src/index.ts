export { bundleApp, OUT_DIR } from './bundle-app.ts'
export { NO_TRANSPORTS_MESSAGE } from './no-pino-transports.ts'
