/* SPDX-License-Identifier: Apache-2.0 */
/* The organization's Security page (see web/ui.js for the shared helpers). */
'use strict';

(async () => {
  const main = document.getElementById('main');
  try {
    const s = await ui.api('GET', '/portal/api/session');
    ui.setCsrf(s.csrf_token);
    ui.clear(main).append(ui.el('h1', {}, 'Security'),
      ui.alertBox('info', 'Signed in as ' + (s.principal.name || s.principal.id)));
  } catch (e) {
    ui.clear(main).append(ui.el('h1', {}, 'Security'), ui.alertBox('error', e.message));
  }
})();
