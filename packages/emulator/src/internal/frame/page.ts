/**
 * The markup of a portal page that frames an application, and the portal's side of the frame protocol as a script in
 * it (plain browser JavaScript, no build step).
 *
 * The page posts the application's start fields to its URL inside an `iframe` named `DOMAIN|PROTOCOL|APP_SID`, then
 * answers the frame's `postMessage` commands (`command:params:callback:appSid`, or an object `{ method, params,
 * callback, appSid }`) with `callback:json`, posted to the frame with the application's origin as the target. A
 * message is acted on only when it comes from the application's origin, from one of the page's application frames,
 * and carries that frame's `APP_SID`; anything else is ignored and written to the page's log, as is every command
 * answered. Commands that need the portal (`refreshAuth`, `setAppOption`, `setUserOption`, `openApplication`) go to
 * the portal's frame endpoint with the page's session id.
 *
 * @internal
 */

/** What the page needs to mount one application frame. @internal */
export interface FrameConfig {
  /** The portal session of this frame (for the frame endpoint). */
  readonly sessid: string
  readonly appSid: string
  /** The frame's `window.name`: `DOMAIN|PROTOCOL|APP_SID`. */
  readonly name: string
  /** The application's URL with `DOMAIN`, `PROTOCOL`, `LANG` and `APP_SID` in its query. */
  readonly action: string
  /** The POST fields. */
  readonly fields: Readonly<Record<string, string>>
  /** The answer to `getInitData`. */
  readonly init: Readonly<Record<string, unknown>>
}

/** What the page shows and where it talks to. @internal */
export interface PageConfig {
  readonly appOrigin: string
  readonly endpoint: string
  readonly portal: string
  readonly user: string
  readonly placement: string
  readonly frame: FrameConfig
}

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char] ?? char
  )

/** JSON that can sit inside a `<script>` element (no `</script>`, no HTML comment openers). */
const scriptJson = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029")

const style = `
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #eef2f4; color: #333; }
  header { background: #2fc6f6; color: #fff; padding: 8px 16px; display: flex; gap: 16px; }
  header b { font-weight: 600; }
  main { padding: 12px 16px; }
  h1 { font-size: 20px; margin: 4px 0 12px; font-weight: 500; }
  .app-frame { display: block; width: 100%; height: 400px; border: 0; background: #fff; border-radius: 8px; }
  .slider { position: fixed; inset: 0 0 0 30%; background: #fff; box-shadow: -4px 0 16px #0003; padding: 8px; }
  #notice:empty { display: none; }
  #notice { background: #fff7d6; border-radius: 6px; padding: 6px 10px; margin-bottom: 8px; }
  details { margin-top: 12px; font-size: 12px; color: #555; }
  #frame-log li.ignored { color: #b3261e; }
`

// Runs in the browser. Kept to ES2019 and DOM APIs every current browser has.
const script = `
"use strict";
(() => {
  const config = JSON.parse(document.getElementById("portal-config").textContent);
  const logList = document.getElementById("frame-log");
  const title = document.getElementById("app-title");
  const notice = document.getElementById("notice");
  const frames = new Map();

  const log = (kind, text) => {
    const item = document.createElement("li");
    item.className = kind;
    item.textContent = text;
    logList.append(item);
  };

  const size = (value) =>
    typeof value === "number" && value >= 0 ? value + "px"
      : /^[0-9]+(px|%)?$/.test(String(value)) ? (/[0-9]$/.test(String(value)) ? value + "px" : String(value))
      : undefined;

  const submit = (frame) => {
    frame.form.replaceChildren();
    const fields = Object.assign({}, frame.config.fields, {
      AUTH_ID: frame.config.init.AUTH_ID,
      AUTH_EXPIRES: String(frame.config.init.AUTH_EXPIRES),
      REFRESH_ID: frame.config.init.REFRESH_ID
    });
    for (const [name, value] of Object.entries(fields)) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      frame.form.append(input);
    }
    frame.form.submit();
  };

  const mount = (frameConfig, container, onClose) => {
    const iframe = document.createElement("iframe");
    iframe.name = frameConfig.name;
    iframe.className = "app-frame";
    iframe.title = "Application";
    container.append(iframe);
    const form = document.createElement("form");
    form.method = "POST";
    form.action = frameConfig.action;
    form.target = frameConfig.name;
    form.hidden = true;
    document.body.append(form);
    const frame = { config: frameConfig, iframe, form, container, onClose };
    frames.set(iframe.contentWindow, frame);
    submit(frame);
    return frame;
  };

  const unmount = (frame) => {
    frames.delete(frame.iframe.contentWindow);
    frame.form.remove();
    frame.onClose(frame);
  };

  const endpoint = async (frame, command, extra) => {
    const response = await fetch(config.endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(Object.assign({ sessid: frame.config.sessid, command }, extra))
    });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error_description || body.error || String(response.status));
    return body;
  };

  const handlers = {
    getInitData: (frame) => frame.config.init,
    refreshAuth: async (frame) => {
      const auth = await endpoint(frame, "refreshAuth", {});
      Object.assign(frame.config.init, auth);
      return auth;
    },
    setAppOption: async (frame, params) => {
      const answer = await endpoint(frame, "setAppOption", { name: params.name, value: params.value });
      frame.config.init.APP_OPTIONS = answer.APP_OPTIONS;
      return {};
    },
    setUserOption: async (frame, params) => {
      const answer = await endpoint(frame, "setUserOption", { name: params.name, value: params.value });
      frame.config.init.USER_OPTIONS = answer.USER_OPTIONS;
      return {};
    },
    resizeWindow: (frame, params) => {
      const width = size(params.width);
      const height = size(params.height);
      if (width !== undefined) frame.iframe.style.width = width;
      if (height !== undefined) frame.iframe.style.height = height;
      return { width: params.width, height: params.height };
    },
    setTitle: (frame, params) => {
      title.textContent = String(params.title);
      document.title = String(params.title);
      return {};
    },
    setScroll: (frame, params) => {
      window.scrollTo(0, Number(params.scroll) || 0);
      return {};
    },
    reloadWindow: (frame) => {
      setTimeout(() => submit(frame), 0);
      return {};
    },
    openApplication: async (frame, params) => {
      const answer = await endpoint(frame, "openApplication", { params: params });
      const slider = document.createElement("div");
      slider.className = "slider";
      document.body.append(slider);
      return new Promise((resolve) => {
        mount(answer.frame, slider, () => {
          slider.remove();
          log("answered", "openApplication: the slider was closed");
          resolve({});
        });
      });
    },
    closeApplication: (frame) => {
      setTimeout(() => unmount(frame), 0);
      return {};
    },
    imOpenMessenger: (frame, params) => {
      notice.textContent = "The messenger opens dialog " + String(params.dialogId) +
        (params.messageId === undefined ? "" : ", message " + String(params.messageId));
      return {};
    },
    setInstall: () => ({}),
    setInstallFinish: () => ({})
  };

  const parse = (data) => {
    if (typeof data === "object" && data !== null && typeof data.method === "string") {
      return { name: data.method, params: data.params, callback: String(data.callback || ""), appSid: String(data.appSid || "") };
    }
    if (typeof data !== "string") return undefined;
    const parts = data.split(":");
    if (parts.length < 3) return undefined;
    const raw = parts.slice(1, -2).join(":");
    let params = raw;
    if (raw !== "") {
      try { params = JSON.parse(raw); } catch (error) { params = raw; }
    }
    return { name: parts[0], params, callback: parts[parts.length - 2], appSid: parts[parts.length - 1] };
  };

  const reply = (frame, command, result) => {
    if (command.callback === "") return;
    frame.iframe.contentWindow.postMessage(command.callback + ":" + JSON.stringify(result), config.appOrigin);
  };

  window.addEventListener("message", (event) => {
    if (event.origin !== config.appOrigin) {
      log("ignored", "Ignored a message from " + event.origin + ": not the application's origin " + config.appOrigin);
      return;
    }
    const frame = frames.get(event.source);
    if (frame === undefined) {
      log("ignored", "Ignored a message from " + event.origin + ": not from an application frame of this page");
      return;
    }
    const command = parse(event.data);
    if (command === undefined) {
      log("ignored", "Ignored a message that is not a frame command");
      return;
    }
    if (command.appSid !== frame.config.appSid) {
      log("ignored", "Ignored " + command.name + ": not this frame's APP_SID");
      return;
    }
    const handler = Object.prototype.hasOwnProperty.call(handlers, command.name) ? handlers[command.name] : undefined;
    if (handler === undefined) {
      log("ignored", command.name + ": not emulated, not answered");
      return;
    }
    const params = typeof command.params === "object" && command.params !== null ? command.params : {};
    Promise.resolve()
      .then(() => handler(frame, params))
      .then(
        (result) => {
          log("answered", command.name + (command.name === "setTitle" ? ": " + String(params.title) : ""));
          reply(frame, command, result);
        },
        (error) => log("ignored", command.name + " failed: " + String(error && error.message || error))
      );
  });

  mount(config.frame, document.getElementById("frames"), (frame) => {
    frame.iframe.remove();
    notice.textContent = "The application was closed (closeApplication).";
  });
})();
`

/**
 * The portal page around one application frame.
 *
 * @internal
 */
export const render = (config: PageConfig, language: string, heading: string): string => `<!doctype html>
<html lang="${escapeHtml(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(heading)}</title>
<style>${style}</style>
</head>
<body>
<header><b>Bitrix24 emulator</b><span>${escapeHtml(config.portal)}</span><span>${escapeHtml(config.user)}</span><span>${escapeHtml(config.placement)}</span></header>
<main>
<h1 id="app-title">${escapeHtml(heading)}</h1>
<div id="notice" role="status"></div>
<div id="frames"></div>
<details open><summary>Frame log</summary><ol id="frame-log"></ol></details>
</main>
<script type="application/json" id="portal-config">${scriptJson(config)}</script>
<script>${script}</script>
</body>
</html>
`

/**
 * A plain page saying why no application can be shown.
 *
 * @internal
 */
export const problem = (message: string): string => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Bitrix24 emulator</title><style>${style}</style></head>
<body><header><b>Bitrix24 emulator</b></header><main><p id="problem">${escapeHtml(message)}</p></main></body>
</html>
`
