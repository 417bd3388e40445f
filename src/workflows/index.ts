// The workflow bundle's entry: workflow functions only.
export { caseWorkflow } from './case-workflow';
export { broadcastTargetsWorkflow } from './broadcast-targets';
