// The coordinator's pages.
import { h, pageTitle } from './ui.js';

function home() {
  return h('div', {}, pageTitle('Welcome'), h('p', {}, 'The coordinator console.'));
}

export default {
  nav: [['#/', 'Home']],
  routes: [['/', home]],
};
