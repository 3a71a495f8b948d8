/** Where the lab finds the repository and writes its reports (`reports/`, git-ignored). */
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
export const DEFAULT_REPORTS_DIR = `${REPO_ROOT}reports`
