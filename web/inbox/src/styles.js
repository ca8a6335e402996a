// The component's styles, scoped by its shadow root. A page themes it through these custom properties.
export const STYLES = `
:host { --clarion-accent: #3157d5; --clarion-badge: #d93025; --clarion-width: 22rem;
  position: relative; display: inline-block; font: 14px/1.4 system-ui, sans-serif; color: #1f2328; }
button { font: inherit; cursor: pointer; }
.bell { position: relative; border: 1px solid #d0d7de; border-radius: 50%; width: 2.5rem; height: 2.5rem;
  background: #fff; display: grid; place-items: center; }
.bell:focus-visible, button:focus-visible { outline: 2px solid var(--clarion-accent); outline-offset: 2px; }
.bell svg { width: 1.3rem; height: 1.3rem; }
.badge { position: absolute; top: -0.3rem; right: -0.3rem; min-width: 1.2rem; height: 1.2rem; padding: 0 0.3rem;
  border-radius: 0.6rem; background: var(--clarion-badge); color: #fff; font-size: 0.75rem; font-weight: 600;
  display: grid; place-items: center; box-sizing: border-box; }
.badge[hidden] { display: none; }
.panel { position: absolute; right: 0; top: 3rem; width: var(--clarion-width); max-height: 28rem; overflow: auto;
  background: #fff; border: 1px solid #d0d7de; border-radius: 0.5rem; box-shadow: 0 8px 24px rgba(0,0,0,.15);
  z-index: 1000; }
.panel[hidden] { display: none; }
header { display: flex; align-items: center; gap: 0.5rem; padding: 0.6rem 0.8rem; border-bottom: 1px solid #eaeef2; }
header h2 { font-size: 1rem; margin: 0; flex: 1; }
.link { border: 0; background: none; color: var(--clarion-accent); padding: 0.2rem; }
ul { list-style: none; margin: 0; padding: 0; }
li.message { padding: 0.6rem 0.8rem; border-bottom: 1px solid #eaeef2; }
li.message[data-read="false"] { background: #f3f6fe; border-left: 3px solid var(--clarion-accent); }
.subject { font-weight: 600; }
.content { white-space: pre-wrap; overflow-wrap: anywhere; }
.meta { display: flex; gap: 0.5rem; align-items: center; color: #59636e; font-size: 0.8rem; margin-top: 0.3rem; }
.meta time { flex: 1; }
.actions { display: flex; gap: 0.4rem; margin-top: 0.4rem; }
.actions button { border: 1px solid #d0d7de; border-radius: 0.3rem; background: #fff; padding: 0.2rem 0.6rem; }
.actions button.primary { background: var(--clarion-accent); border-color: var(--clarion-accent); color: #fff; }
.empty, .status { padding: 1rem 0.8rem; color: #59636e; }
.preferences li { padding: 0.6rem 0.8rem; border-bottom: 1px solid #eaeef2; }
.preferences label { display: inline-flex; gap: 0.3rem; margin-right: 0.8rem; }
`;
