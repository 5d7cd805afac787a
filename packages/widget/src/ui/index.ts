/**
 * The survey UI: Preact, the survey's steps, the host element and the stylesheet. The widget core
 * loads it only when a survey is about to show (`import()` in the ES module build, a script element
 * in the script-tag build; see ../ui-loader.ts), so page views without a survey never fetch it.
 */
export { openPanel, type Panel, type PanelOptions, thanksMs } from './panel.ts';
