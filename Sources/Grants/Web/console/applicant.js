// The applicant's pages.
import { h, pageTitle } from './ui.js';

function home() {
  return h('div', {}, pageTitle('Welcome'), h('p', {}, 'The applicant console.'));
}

export default {
  nav: [['#/', 'Home']],
  routes: [['/', home]],
};
