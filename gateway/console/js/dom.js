// Building the page from data without innerHTML: every text is a text node, so nothing the API
// returns is ever parsed as markup.

/** h('button', {class: 'primary', onclick: fn}, '保存') — attributes, listeners, children. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace an element's content. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** A labelled form field: <label for=id>text</label><input id=id ...>. */
export function field(label, attributes = {}, control = 'input') {
  const id = attributes.id || `f-${attributes.name}`;
  const input = h(control, { ...attributes, id });
  return h('div', { class: 'field' }, h('label', { for: id }, label), input);
}

/** An alert box announcing an error message (and the fields it names) to screen readers. */
export function errorBox(error) {
  const details = (error.fields || []).map((item) => h('li', {}, item));
  return h('div', { class: 'error', role: 'alert' }, h('p', {}, error.message),
    details.length ? h('ul', {}, details) : null);
}

let toastTimer = 0;
/** A short message in the live region (saved, sent ...). */
export function toast(message) {
  const box = document.getElementById('toast');
  box.textContent = message;
  box.classList.add('shown');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => box.classList.remove('shown'), 4000);
}
