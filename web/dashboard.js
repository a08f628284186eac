/* SPDX-License-Identifier: Apache-2.0 */
/* The operator dashboard (see web/ui.js for the shared helpers). */
'use strict';

(async () => {
  const main = document.getElementById('main');
  try {
    const s = await ui.api('GET', '/dashboard/api/session');
    ui.setCsrf(s.csrf_token);
    ui.clear(main).append(ui.el('h1', {}, 'Dashboard'));
  } catch (e) {
    ui.clear(main).append(ui.el('h1', {}, 'Sign in'), ui.alertBox('error', e.message));
  }
})();
