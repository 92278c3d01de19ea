/**
 * Entry point of the reviewer page's bundle (built by ../assets.ts).
 */
import { ReviewerApp } from './app.ts';

const root = document.getElementById('app');
if (root) new ReviewerApp(root, window.sessionStorage).start();
