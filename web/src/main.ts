/**
 * The playground's shell: one tab per view, chosen by the URL's hash (#lm, #inside, …) so every
 * view has an address and the back button works. A view is built the first time it is opened and
 * kept (hidden) afterwards, so its training carries on while another view is shown.
 */
import './style.css';
import { clientFor } from './clients.ts';
import { h } from './dom.ts';
import { VIEWS, type View } from './views/index.ts';

const tabs = document.getElementById('tabs') as HTMLElement;
const main = document.getElementById('view') as HTMLElement;
const built = new Map<string, HTMLElement>();

const links = VIEWS.map((view) => {
  const link = h('a', { href: `#${view.id}`, id: `tab-${view.id}` }, view.title);
  tabs.append(link);
  return link;
});

function show(id: string): void {
  const view: View = VIEWS.find((v) => v.id === id) ?? (VIEWS[0] as View);
  for (const [key, section] of built) section.hidden = key !== view.id;
  let section = built.get(view.id);
  if (section === undefined) {
    section = h('section', { id: `view-${view.id}`, 'aria-labelledby': `heading-${view.id}` });
    section.append(h('h2', { id: `heading-${view.id}` }, view.title));
    main.append(section);
    built.set(view.id, section);
    view.mount(section);
  }
  links.forEach((link, i) => {
    if (VIEWS[i]?.id === view.id) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  });
  document.title = `${view.title} · lstm playground`;
}

// the production build works offline once loaded: a service worker keeps every file of it
if (import.meta.env.PROD && 'serviceWorker' in navigator) void navigator.serviceWorker.register('./sw.js');

window.addEventListener('hashchange', () => show(location.hash.slice(1)));
show(location.hash.slice(1));

// which kernels the workers run on, once the first one has started
void clientFor('lm')
  .call<{ name: string; threads: number; isolated: boolean }>('backend')
  .then((b) => {
    const backend = document.getElementById('backend') as HTMLElement;
    backend.textContent = `Kernels: ${b.name}, ${b.threads} thread${b.threads === 1 ? '' : 's'}${b.isolated ? '' : ' (the page is not cross-origin isolated: one thread)'}`;
    document.body.dataset.backend = b.name;
  });
