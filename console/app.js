import { ApiError, createApi } from './api.js';
import { accessToken, completeSignIn, signIn, signOut } from './auth.js';

const $ = (id) => document.getElementById(id);
const DAY = 24 * 60 * 60 * 1000;
const PERMISSIONS = { PULL: 'Pull', PULL_PUSH: 'Pull & Push' };
const STATUSES = { ENABLED: 'Enabled', DISABLED: 'Disabled' };
// The API names these fields in its errors; each has its message slot next to its input.
const FIELD_ERRORS = { name: 'name-error', expiresInDays: 'days-error', permission: 'permission-error', description: 'description-error' };
const FIELD_INPUTS = { name: 'name', expiresInDays: 'days', description: 'description' };
const CHANGED_ELSEWHERE = 'This token was changed elsewhere. Reload to see its current state.';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const relativeDays = new Intl.RelativeTimeFormat(undefined, { numeric: 'always' });

const state = { config: null, api: null, tokens: [], nextCursor: null, menuToken: null };

function showPageAlert(message) {
  $('page-alert-text').textContent = message;
  $('page-alert').hidden = false;
}

function announce(message) {
  $('status').textContent = message;
}

/** A date in the reader's locale; the exact UTC time in its tooltip. */
function timeElement(iso, format = dateFormat) {
  const time = document.createElement('time');
  time.dateTime = iso;
  time.textContent = format.format(new Date(iso));
  time.title = `${iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '')} UTC`;
  return time;
}

function expiresCell(token) {
  const cell = textCell('Expires', token.expiresAt ? '' : 'Never');
  if (token.expiresAt) {
    const when = document.createElement('span');
    const note = document.createElement('span');
    note.className = token.expired ? 'badge expired' : 'hint';
    note.textContent = token.expired ? 'Expired'
      : relativeDays.format(Math.max(0, Math.ceil((Date.parse(token.expiresAt) - Date.now()) / DAY)), 'day');
    when.append(timeElement(token.expiresAt, dayFormat), document.createElement('br'), note);
    cell.append(when);
  }
  return cell;
}

function textCell(label, text, className) {
  const cell = document.createElement('td');
  cell.dataset.label = label;
  cell.textContent = text;
  if (className) cell.className = className;
  return cell;
}

function row(token) {
  const tr = document.createElement('tr');
  const status = textCell('Status', '');
  const badge = document.createElement('span');
  badge.className = `badge ${token.status.toLowerCase()}`;
  badge.textContent = STATUSES[token.status] ?? token.status;
  status.append(badge);
  const expires = expiresCell(token);
  const lastUsed = textCell('Last used', token.lastUsedAt ? '' : 'Never');
  if (token.lastUsedAt) lastUsed.append(timeElement(token.lastUsedAt));
  const created = textCell('Created', '');
  created.append(timeElement(token.createdAt));
  const actions = document.createElement('td');
  actions.className = 'actions';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'dots';
  button.setAttribute('aria-label', `Actions for ${token.name}`);
  button.setAttribute('aria-haspopup', 'menu');
  button.setAttribute('aria-expanded', 'false');
  button.dataset.tokenId = token.id;
  button.textContent = '⋯';
  button.addEventListener('click', () => openMenu(token, button));
  actions.append(button);
  tr.append(textCell('Name', token.name, 'long name'), textCell('Username', token.username, 'long mono'),
    textCell('Permission', PERMISSIONS[token.permission] ?? token.permission), status, expires, lastUsed, created,
    textCell('Description', token.description ?? '', 'long'), actions);
  return tr;
}

function render() {
  // A row's actions button that had focus keeps it across the re-render (after a dialog returned focus to it).
  const focusedTokenId = document.activeElement?.dataset?.tokenId;
  $('token-rows').replaceChildren(...state.tokens.map(row));
  if (focusedTokenId) actionsButton({ id: focusedTokenId })?.focus();
  $('token-table').hidden = state.tokens.length === 0;
  $('empty').hidden = state.tokens.length > 0;
  $('load-more').hidden = !state.nextCursor;
}

async function load({ more = false } = {}) {
  try {
    const page = await state.api.list(more ? state.nextCursor : undefined);
    state.tokens = more ? state.tokens.concat(page.items) : page.items;
    state.nextCursor = page.nextCursor ?? null;
    $('page-alert').hidden = true;
    render();
  } catch (error) {
    handleFailure(error);
  }
}

/** A failure outside any form: an expired sign-in returns to the sign-in screen, anything else is shown on the page. */
function handleFailure(error) {
  if (error instanceof ApiError && error.status === 401) {
    signOut();
    showSignedOut('Your session has ended. Sign in again.');
  } else {
    showPageAlert(error.status === 412 ? CHANGED_ELSEWHERE : error.message);
  }
}

// --- the actions menu ---------------------------------------------------------------------------------------------

function openMenu(token, button) {
  const menu = $('actions-menu');
  state.menuToken = token;
  menu.querySelector('[data-action=disable]').hidden = token.status !== 'ENABLED';
  menu.querySelector('[data-action=enable]').hidden = token.status === 'ENABLED';
  menu.setAttribute('aria-label', `Actions for ${token.name}`);
  menu.showPopover();
  button.setAttribute('aria-expanded', 'true');
  const box = button.getBoundingClientRect();
  menu.style.top = `${Math.min(box.bottom + 4, innerHeight - menu.offsetHeight - 8)}px`;
  menu.style.left = `${Math.max(8, box.right - menu.offsetWidth)}px`;
  menuItems()[0].focus();
}

const menuItems = () => [...$('actions-menu').querySelectorAll('[role=menuitem]')].filter((item) => !item.hidden);

function actionsButton(token) {
  return token && document.querySelector(`button.dots[data-token-id="${CSS.escape(token.id)}"]`);
}

$('actions-menu').addEventListener('toggle', (event) => {
  if (event.newState === 'closed') {
    const button = actionsButton(state.menuToken);
    button?.setAttribute('aria-expanded', 'false');
    if (!document.querySelector('dialog[open]')) button?.focus();
  }
});

$('actions-menu').addEventListener('keydown', (event) => {
  const items = menuItems();
  const index = items.indexOf(document.activeElement);
  const moves = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: items.length - 1 };
  if (event.key in moves) {
    event.preventDefault();
    items[(moves[event.key] + items.length) % items.length].focus();
  } else if (event.key === 'Tab') {
    $('actions-menu').hidePopover();
  }
});

$('actions-menu').addEventListener('click', (event) => {
  const action = event.target.closest('[data-action]')?.dataset.action;
  if (!action) return;
  const token = state.menuToken;
  $('actions-menu').hidePopover();
  if (action === 'edit') openTokenForm(token);
  else openConfirm(action, token);
});

// --- dialogs ------------------------------------------------------------------------------------------------------

/** Opens a modal dialog; when it closes, focus returns to what opened it (or its row's actions button). */
function openDialog(dialog, returnTo) {
  dialog.returnTo = returnTo;
  dialog.showModal();
}

for (const dialog of document.querySelectorAll('dialog')) {
  dialog.addEventListener('close', () => {
    const target = dialog.returnTo?.isConnected ? dialog.returnTo : $('create');
    if (!document.querySelector('dialog[open]')) target.focus();
  });
  for (const button of dialog.querySelectorAll('[data-close]')) button.addEventListener('click', () => dialog.close());
}

function clearErrors() {
  for (const id of [...Object.values(FIELD_ERRORS), 'form-error']) {
    $(id).hidden = true;
    $(id).textContent = '';
  }
  for (const input of $('token-form').querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}

/** Shows the API's message next to the field it names, or above the form when it names none. */
function showFormError(error) {
  if (error.status === 412) {
    $('token-dialog').close();
    showPageAlert(CHANGED_ELSEWHERE);
    return;
  }
  const slot = $(FIELD_ERRORS[error.field] ?? 'form-error');
  slot.textContent = error.message;
  slot.hidden = false;
  const input = $(FIELD_INPUTS[error.field] ?? '');
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
}

let formToken = null;

function expiryOf(token) {
  if (!token?.expiresAt) return { never: Boolean(token), days: 30 };
  return { never: false, days: Math.max(1, Math.ceil((Date.parse(token.expiresAt) - Date.now()) / DAY)) };
}

function openTokenForm(token) {
  formToken = token;
  const form = $('token-form');
  form.reset();
  clearErrors();
  $('token-dialog-title').textContent = token ? 'Edit access token' : 'Create access token';
  $('token-submit').textContent = token ? 'Update' : 'Create';
  $('name').value = token?.name ?? '';
  $('name').readOnly = Boolean(token);
  const expiry = expiryOf(token);
  form.elements.expiry.value = expiry.never ? 'never' : 'days';
  $('days').value = expiry.days;
  form.elements.permission.value = token?.permission ?? 'PULL';
  $('description').value = token?.description ?? '';
  syncDays();
  openDialog($('token-dialog'), token ? actionsButton(token) : $('create'));
  (token ? form.elements.permission[0] : $('name')).focus();
}

function syncDays() {
  $('days').disabled = $('token-form').elements.expiry.value === 'never';
}

$('token-form').addEventListener('change', syncDays);

function formExpiresInDays(form) {
  return form.elements.expiry.value === 'never' ? null : Number($('days').value);
}

/** An edit sends only what changed: a re-sent expiry would move the expiry date. */
function changedFields(form, token) {
  const fields = {};
  if (form.elements.permission.value !== token.permission) fields.permission = form.elements.permission.value;
  const before = expiryOf(token);
  const expiresInDays = formExpiresInDays(form);
  if ((expiresInDays === null) !== before.never || (expiresInDays !== null && expiresInDays !== before.days)) {
    fields.expiresInDays = expiresInDays;
  }
  const description = $('description').value.trim() || null;
  if (description !== (token.description ?? null)) fields.description = description;
  return fields;
}

$('token-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  clearErrors();
  $('token-submit').disabled = true;
  try {
    if (formToken) {
      const fields = changedFields(form, formToken);
      if (Object.keys(fields).length > 0) await state.api.update(formToken, fields);
      $('token-dialog').close();
      announce(`Token ${formToken.name} updated.`);
    } else {
      const created = await state.api.create({
        name: $('name').value.trim(), permission: form.elements.permission.value,
        expiresInDays: formExpiresInDays(form), description: $('description').value.trim() || null,
      });
      $('token-dialog').close();
      showSecret(created, 'Access token created');
    }
    await load();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) handleFailure(error);
    else showFormError(error);
  } finally {
    $('token-submit').disabled = false;
  }
});

const CONFIRMATIONS = {
  reset: {
    title: (name) => `Reset token ${name}?`, button: 'Reset', run: (token) => state.api.reset(token),
    text: 'A new token value replaces the current one, which stops working at once: every client using it must log in again.',
  },
  disable: {
    title: (name) => `Disable token ${name}?`, button: 'Disable', run: (token) => state.api.disable(token),
    text: 'Logins with this token are refused until you enable it again.',
  },
  enable: {
    title: (name) => `Enable token ${name}?`, button: 'Enable', run: (token) => state.api.enable(token),
    text: 'Logins with this token work again.',
  },
  delete: {
    title: (name) => `Delete token ${name}?`, button: 'Delete', run: (token) => state.api.remove(token),
    text: 'Logins with this token are refused from now on, and its name is free again. This cannot be undone.',
  },
};

let confirmation = null;

function openConfirm(action, token) {
  confirmation = { action, token };
  const { title, text, button } = CONFIRMATIONS[action];
  $('confirm-title').textContent = title(token.name);
  $('confirm-text').textContent = text;
  $('confirm-error').hidden = true;
  $('confirm-button').textContent = button;
  $('confirm-button').classList.toggle('danger', action === 'delete' || action === 'reset');
  openDialog($('confirm-dialog'), actionsButton(token));
  $('confirm-dialog').querySelector('[data-close]').focus();
}

$('confirm-button').addEventListener('click', async () => {
  const { action, token } = confirmation;
  $('confirm-button').disabled = true;
  try {
    const answer = await CONFIRMATIONS[action].run(token);
    $('confirm-dialog').close();
    if (action === 'reset') showSecret(answer, 'Access token reset');
    else announce(`Token ${token.name}: ${CONFIRMATIONS[action].button.toLowerCase()} done.`);
    await load();
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 412)) {
      $('confirm-dialog').close();
      handleFailure(error);
    } else {
      $('confirm-error').textContent = error.message;
      $('confirm-error').hidden = false;
    }
  } finally {
    $('confirm-button').disabled = false;
  }
});

// --- the secret, shown once ---------------------------------------------------------------------------------------

function loginLine(username) {
  return `docker login ${state.config.registryHost} -u ${username} --password-stdin`;
}

function showSecret(token, title) {
  $('secret-dialog-title').textContent = title;
  $('secret-username').textContent = token.username;
  $('secret-value').textContent = token.secret;
  $('secret-login').textContent = loginLine(token.username);
  $('copy-status').textContent = '';
  openDialog($('secret-dialog'), actionsButton(token) ?? $('create'));
  $('secret-dialog').querySelector('[data-copy=secret-value]').focus();
}

// The secret leaves the page with its dialog: nothing keeps it after Done, Escape or any other close.
$('secret-dialog').addEventListener('close', () => {
  for (const id of ['secret-username', 'secret-value', 'secret-login', 'copy-status']) $(id).textContent = '';
});

$('secret-dialog').addEventListener('click', async (event) => {
  const button = event.target.closest('[data-copy]');
  if (!button) return;
  const source = $(button.dataset.copy);
  const what = button.getAttribute('aria-describedby') && $(button.getAttribute('aria-describedby')).textContent;
  try {
    await navigator.clipboard.writeText(source.textContent);
    button.textContent = 'Copied';
    button.classList.add('copied');
    $('copy-status').textContent = `${what} copied to the clipboard.`;
    setTimeout(() => {
      button.textContent = 'Copy';
      button.classList.remove('copied');
    }, 2000);
  } catch {
    getSelection().selectAllChildren(source);
    $('copy-status').textContent = `${what} is selected: press Ctrl+C (or ⌘C) to copy it.`;
  }
});

// --- start --------------------------------------------------------------------------------------------------------

function showSignedOut(message) {
  $('tokens').hidden = true;
  $('sign-out').hidden = true;
  $('signed-out').hidden = false;
  $('sign-in-error').textContent = message ?? '';
  $('sign-in-error').hidden = !message;
}

async function showTokens() {
  $('signed-out').hidden = true;
  $('tokens').hidden = false;
  $('sign-out').hidden = false;
  $('usage').textContent = loginLine('USERNAME');
  await load();
}

$('create').addEventListener('click', () => openTokenForm(null));
$('load-more').addEventListener('click', () => load({ more: true }));
$('page-alert-reload').addEventListener('click', () => load());
$('sign-in').addEventListener('click', () => signIn(state.config).catch((error) => showSignedOut(error.message)));
$('sign-out').addEventListener('click', () => {
  signOut();
  state.tokens = [];
  render();
  showSignedOut();
});

async function start() {
  state.config = await (await fetch('config.json')).json();
  state.api = createApi(state.config.apiUrl, accessToken);
  try {
    await completeSignIn(state.config);
  } catch (error) {
    showSignedOut(error.message);
    return;
  }
  if (accessToken()) await showTokens();
  else showSignedOut();
}

start();
