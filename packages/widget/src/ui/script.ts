/**
 * The survey UI as a classic script (dist/widget-ui.<hash>.js), loaded by the script-tag widget
 * with a script element. It defines no global: it hands itself to the element that loaded it.
 */
import { uiProperty } from '../ui-loader.ts';
import { openPanel } from './panel.ts';

const script = document.currentScript as (HTMLScriptElement & Record<string, unknown>) | null;
if (script) script[uiProperty] = { openPanel };
