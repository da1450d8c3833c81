// The studio page: everything it does goes through the public API with the key typed into the page, which stays
// in this browser (localStorage). No build step: plain script, loaded with `defer`.
"use strict";

const $ = (id) => document.getElementById(id);
const KEY_STORE = "avatarstudio-key";
const SIZES = { "16:9": [16, 9], "9:16": [9, 16], "1:1": [1, 1] };
const LINE = { "720p": 720, "1080p": 1080 };
const VOICES_SHOWN = 80;

const state = { looks: [], voices: [], scenes: [], active: 0, following: null };

// --- the API -------------------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(message, param) { super(message); this.param = param; }
}

/** The field an error names: v3 says it in `param`; v2 and v1 start their message with its path. */
function namedField(error) {
  if (error.param) return error.param;
  const match = /^([\w.]+) (?:is|are) /.exec(error.message || "");
  return match ? match[1] : null;
}

/** One call with the page's key; the whole JSON envelope back, or an ApiError with the API's own message. */
async function api(method, path, body) {
  const headers = { "X-Api-Key": $("key").value.trim() };
  let payload = body;
  if (body !== undefined && !(body instanceof FormData)) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload });
  } catch (failure) {
    throw new ApiError(`The server could not be reached (${failure.message}).`);
  }
  const json = await response.json().catch(() => ({}));
  const error = json.error || (typeof json.code === "number" && json.code !== 100 ? json : null);
  if (!response.ok || error) {
    const message = (error && error.message) || `${method} ${path} answered HTTP ${response.status}`;
    throw new ApiError(message, error ? namedField(error) : null);
  }
  return json;
}

/** Every item of a paged v3 list. */
async function allPages(path) {
  const items = [];
  let token = null;
  do {
    const page = await api("GET", `${path}${path.includes("?") ? "&" : "?"}limit=100${token ? `&token=${token}` : ""}`);
    items.push(...page.data);
    token = page.has_more ? page.next_token : null;
  } while (token);
  return items;
}

async function upload(file) {
  const form = new FormData();
  form.append("file", file, file.name);
  return (await api("POST", "/v3/assets", form)).data;
}

// --- errors next to the field they name -------------------------------------------------------------------------

/** The visible control in `scope` whose data-param lists `param` or, failing that, the nearest enclosing path.
 * v2 paths carry the union's tag (video_inputs.0.voice.text.input_text): the template lists those too. */
function controlFor(param, scope) {
  for (let path = param; path; path = path.includes(".") ? path.slice(0, path.lastIndexOf(".")) : "") {
    const control = scope.querySelector(`[data-param~="${CSS.escape(path)}"]`);
    if (control && !control.closest("[hidden]")) return control;
  }
  return null;
}

function clearErrors(scope = document) {
  scope.querySelectorAll(".field-error.placed").forEach((node) => node.remove());
  scope.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
  if (scope === document) $("create-error").hidden = true;
}

/** The API's message beside the control in `scope` that it names (else beside `fallback`, a control or an error
 * paragraph). */
function showError(error, fallback, scope = document) {
  const control = (namedField(error) && controlFor(namedField(error), scope)) || fallback;
  if (control && control.classList.contains("field-error")) {
    control.textContent = error.message;
    control.hidden = false;
    return;
  }
  const field = control.closest(".field");
  field.querySelectorAll(".field-error.placed").forEach((node) => node.remove());
  const note = document.createElement("p");
  note.className = "field-error placed";
  note.setAttribute("role", "alert");
  note.id = `${control.id}-error`;
  note.textContent = error.message;
  field.append(note);
  control.setAttribute("aria-invalid", "true");
  control.setAttribute("aria-describedby", note.id);
  if (control.closest(".scene")) control.closest(".scene").scrollIntoView({ block: "nearest" });
}

function say(id, text, ok = false) {
  $(id).textContent = text;
  $(id).classList.toggle("ok", ok);
}

// --- the key ----------------------------------------------------------------------------------------------------

let keyCheck = 0;

async function checkKey() {
  const asked = ++keyCheck;
  clearErrors($("key").closest(".field"));
  if (!$("key").value.trim()) {
    say("key-status", "Paste the API key to start.");
    return;
  }
  say("key-status", "Checking the key…");
  try {
    const me = (await api("GET", "/v3/users/me")).data;
    if (asked !== keyCheck) return;
    localStorage.setItem(KEY_STORE, $("key").value.trim());
    say("key-status", `The key works (${me.username || me.email || "this installation"}).`, true);
    await Promise.all([loadLooks(), loadVoices(), loadVideos()]);
  } catch (error) {
    if (asked !== keyCheck) return;
    say("key-status", "");
    showError(error, $("key"));
  }
}

// --- avatars ----------------------------------------------------------------------------------------------------

function lookKind(look) {
  if (look.avatar_type === "digital_twin") return `Digital twin · ${look.status || "ready"}`;
  if (look.status === null || look.status === undefined) return "Built in";
  return look.status === "completed" ? "Talking photo" : `Talking photo · ${look.status}`;
}

/** A look can be used once it is ready: built-in looks have no status, made ones say completed. */
function lookPicture(url) {
  const image = document.createElement("img");
  image.src = url;
  image.alt = "";
  return image;
}

const usable = (look) => !look.status || look.status === "completed";

async function loadLooks() {
  state.looks = await allPages("/v3/avatars/looks");
  for (const scene of state.scenes) {
    if (!state.looks.some((look) => look.id === scene.avatar && usable(look))) scene.avatar = firstLook();
  }
  renderGallery();
  renderScenes();
}

const firstLook = () => (state.looks.find(usable) || {}).id || "";

function renderGallery() {
  const chosen = state.scenes[state.active] && state.scenes[state.active].avatar;
  $("gallery").replaceChildren(...state.looks.map((look) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "look";
    button.disabled = !usable(look);
    button.setAttribute("aria-pressed", String(look.id === chosen));
    button.dataset.look = look.id;
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = look.name;
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.textContent = lookKind(look);
    // A photo avatar still being fetched from its URL (or that failed) has no picture yet.
    button.append(...(look.preview_image_url ? [lookPicture(look.preview_image_url)] : []), name, badge);
    button.setAttribute("aria-label", `${look.name} (${lookKind(look)})`);
    button.addEventListener("click", () => {
      state.scenes[state.active].avatar = look.id;
      renderScenes();
    });
    const item = document.createElement("li");
    item.append(button);
    return item;
  }));
}

async function makeTalkingPhoto(file) {
  clearErrors($("photo-drop"));
  say("photo-status", `Uploading ${file.name}…`);
  try {
    const asset = await upload(file);
    say("photo-status", "Finding the face…");
    const made = (await api("POST", "/v3/avatars", {
      type: "photo", name: file.name.replace(/\.[^.]+$/, "") || "Photo",
      file: { type: "asset_id", asset_id: asset.asset_id },
    })).data;
    say("photo-status", `${made.avatar_item.name} is ready and chosen for ${sceneName(state.active)}.`, true);
    await loadLooks();
    state.scenes[state.active].avatar = made.avatar_item.id;
    renderScenes();
  } catch (error) {
    say("photo-status", "");
    showError(error, $("photo"), $("photo-drop"));
  }
}

async function makeDigitalTwin(file) {
  clearErrors($("footage-drop"));
  say("footage-status", `Uploading ${file.name}…`);
  try {
    const asset = await upload(file);
    const made = (await api("POST", "/v3/avatars", {
      type: "digital_twin", name: file.name.replace(/\.[^.]+$/, "") || "Digital twin",
      file: { type: "asset_id", asset_id: asset.asset_id },
    })).data;
    await followTwin(made.avatar_group.id);
  } catch (error) {
    say("footage-status", "");
    $("footage-progress").hidden = true;
    showError(error, $("footage"), $("footage-drop"));
  }
}

async function followTwin(groupId) {
  for (;;) {
    const group = (await api("GET", `/v3/avatars/${encodeURIComponent(groupId)}`)).data;
    const progress = typeof group.progress === "number" ? group.progress : null;
    $("footage-progress").hidden = progress === null;
    if (progress !== null) $("footage-progress").value = progress;
    say("footage-status", `Digital twin ${group.name}: ${group.status.replace(/_/g, " ")}` +
        (progress !== null ? ` (${progress} %)` : ""), group.status === "completed");
    if (group.status !== "processing" && group.status !== "pending") {
      if (group.status === "failed") {
        throw new ApiError(group.error_message || (group.error && group.error.message) || "Training failed.");
      }
      await loadLooks();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

function acceptDrops(zone, input, handle) {
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    if (event.dataTransfer.files.length) handle(event.dataTransfer.files[0]);
  });
  input.addEventListener("change", () => {
    if (input.files.length) handle(input.files[0]);
    input.value = "";
  });
}

// --- voices -----------------------------------------------------------------------------------------------------

async function loadVoices() {
  state.voices = (await api("GET", "/v2/voices")).data.voices;
  const languages = [...new Set(state.voices.map((voice) => voice.language))].sort();
  const genders = [...new Set(state.voices.map((voice) => voice.gender))].sort();
  const keep = (select, values) => {
    const before = select.value;
    select.replaceChildren(new Option("Any", ""), ...values.map((value) => new Option(value, value)));
    select.value = values.includes(before) ? before : "";
  };
  keep($("voice-language"), languages);
  keep($("voice-gender"), genders);
  for (const scene of state.scenes) scene.voice = scene.voice || state.voices[0].voice_id;
  renderVoices();
  renderScenes();
}

function filteredVoices() {
  const language = $("voice-language").value;
  const gender = $("voice-gender").value;
  return state.voices.filter((voice) => (!language || voice.language === language)
                                        && (!gender || voice.gender === gender));
}

const voiceLabel = (voice) => `${voice.name} (${voice.language}, ${voice.gender})`;

function play(url) {
  const player = $("preview-audio");
  player.src = url;
  player.play().catch((error) => say("voice-count", `The preview could not play: ${error.message}`));
}

function renderVoices() {
  const shown = filteredVoices();
  $("voice-count").textContent = shown.length > VOICES_SHOWN
    ? `${shown.length} voices; the first ${VOICES_SHOWN} are listed: narrow the language or gender.`
    : `${shown.length} voice${shown.length === 1 ? "" : "s"}.`;
  $("voices").replaceChildren(...shown.slice(0, VOICES_SHOWN).map((voice) => {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.textContent = voiceLabel(voice);
    const listen = document.createElement("button");
    listen.type = "button";
    listen.className = "secondary";
    listen.textContent = "Play";
    listen.setAttribute("aria-label", `Play a sample of ${voice.name}`);
    listen.addEventListener("click", () => play(voice.preview_audio));
    const use = document.createElement("button");
    use.type = "button";
    use.textContent = "Use";
    use.setAttribute("aria-label", `Use ${voice.name} in the scene being edited`);
    use.addEventListener("click", () => {
      state.scenes[state.active].voice = voice.voice_id;
      renderScenes();
    });
    item.append(name, listen, use);
    return item;
  }));
  renderScenes();
}

// --- scenes -----------------------------------------------------------------------------------------------------

const sceneName = (index) => `scene ${index + 1}`;

function newScene() {
  return {
    avatar: firstLook(), voice: state.voices.length ? state.voices[0].voice_id : "", speech: "script",
    script: "Hello! This video was made on my own computer.", audio: null, background: "auto", color: "#1e3a5f",
    image: null, position: "0", style: "normal", scale: "1",
  };
}

/** Rebuilds the scene cards from `state.scenes` (typing only updates the state, so focus is kept). */
function renderScenes() {
  const list = $("scenes");
  list.replaceChildren(...state.scenes.map((scene, index) => sceneCard(scene, index)));
  $("active-scene").textContent = sceneName(state.active);
  list.classList.toggle("webm", $("format").value === "webm");
  document.querySelectorAll(".look").forEach((button) => button.setAttribute(
    "aria-pressed", String(button.dataset.look === (state.scenes[state.active] || {}).avatar)));
}

function sceneCard(scene, index) {
  const card = $("scene-template").content.firstElementChild.cloneNode(true);
  card.classList.toggle("active", index === state.active);
  card.querySelector("legend").textContent = `Scene ${index + 1}`;
  for (const label of card.querySelectorAll("label[data-for]")) label.htmlFor = `scene-${index}-${label.dataset.for}`;
  for (const control of card.querySelectorAll("[data-field]")) {
    control.id = `scene-${index}-${control.dataset.field}`;
    const params = (control.dataset.param || "").split(" ").filter(Boolean);
    // v2 names scene fields video_inputs.N.…; the one-scene v3 request (WebM) names them bare: "v3:script".
    control.dataset.param = params.map((param) => (param.startsWith("v3:") ? (index ? "" : param.slice(3))
                                                                              : `video_inputs.${index}.${param}`))
      .filter(Boolean).join(" ");
  }
  const field = (name) => card.querySelector(`[data-field="${name}"]`);
  const usableLooks = state.looks.filter(usable);
  field("avatar").replaceChildren(...usableLooks.map((look) => new Option(`${look.name} (${lookKind(look)})`, look.id)));
  const voices = filteredVoices();
  const chosen = state.voices.find((voice) => voice.voice_id === scene.voice);
  if (chosen && !voices.includes(chosen)) voices.unshift(chosen);
  field("voice").replaceChildren(...voices.map((voice) => new Option(voiceLabel(voice), voice.voice_id)));
  for (const name of ["avatar", "voice", "speech", "script", "background", "color", "position", "style", "scale"]) {
    field(name).value = scene[name];
    field(name).addEventListener(name === "script" ? "input" : "change", () => {
      scene[name] = field(name).value;
      if (["speech", "background"].includes(name)) showWhen(card, scene);
      if (name === "avatar") renderGallery();
    });
  }
  card.querySelector('[data-status="recording"]').textContent = scene.audio ? `Uploaded: ${scene.audio.name}` : "";
  card.querySelector('[data-status="image"]').textContent = scene.image ? `Uploaded: ${scene.image.name}` : "";
  field("recording").addEventListener("change", () => attach(field("recording"), scene, "audio"));
  field("image").addEventListener("change", () => attach(field("image"), scene, "image"));
  field("scale").setAttribute("aria-valuetext", `${Math.round(scene.scale * 100)} %`);
  field("scale").addEventListener("input", () => field("scale").setAttribute(
    "aria-valuetext", `${Math.round(field("scale").value * 100)} %`));
  showWhen(card, scene);
  // A transparent WebM has no background and keeps the avatar's own framing: those controls would do nothing.
  for (const control of card.querySelectorAll(".placement select, .placement input")) {
    control.disabled = $("format").value === "webm";
  }
  const tools = {
    up: ["Move scene %d up", index > 0, () => move(index, -1)],
    down: ["Move scene %d down", index < state.scenes.length - 1, () => move(index, 1)],
    remove: ["Remove scene %d", state.scenes.length > 1, () => removeScene(index)],
    listen: ["Listen to scene %d's script in its voice", true, () => listen(scene, card)],
  };
  for (const [action, [label, enabled, run]] of Object.entries(tools)) {
    const button = card.querySelector(`[data-action="${action}"]`);
    button.setAttribute("aria-label", label.replace("%d", index + 1));
    button.disabled = !enabled;
    button.addEventListener("click", run);
  }
  card.addEventListener("focusin", () => activate(index));
  card.addEventListener("click", () => activate(index));
  return card;
}

function showWhen(card, scene) {
  for (const part of card.querySelectorAll("[data-when]")) {
    const [name, value] = part.dataset.when.split("=");
    part.hidden = scene[name] !== value;
  }
}

function activate(index) {
  if (state.active === index) return;
  state.active = index;
  document.querySelectorAll(".scene").forEach((card, at) => card.classList.toggle("active", at === index));
  $("active-scene").textContent = sceneName(index);
  renderGallery();
}

async function attach(input, scene, slot) {
  if (!input.files.length) return;
  const file = input.files[0];
  const status = input.closest(".field").querySelector(".help");
  clearErrors(input.closest(".field"));
  status.textContent = `Uploading ${file.name}…`;
  try {
    scene[slot] = { asset_id: (await upload(file)).asset_id, name: file.name };
    status.textContent = `Uploaded: ${file.name}`;
  } catch (error) {
    status.textContent = "";
    showError(error, input, input.closest(".field"));
  }
}

async function listen(scene, card) {
  const button = card.querySelector('[data-action="listen"]');
  clearErrors(card);
  button.disabled = true;
  try {
    play((await api("POST", "/v3/voices/speech", { text: scene.script, voice_id: scene.voice })).data.audio_url);
  } catch (error) {
    showError(error, card.querySelector(`[data-field="${error.param === "voice_id" ? "voice" : "script"}"]`), card);
  } finally {
    button.disabled = false;
  }
}

function move(index, step) {
  const [scene] = state.scenes.splice(index, 1);
  state.scenes.splice(index + step, 0, scene);
  state.active = index + step;
  renderScenes();
  $(`scene-${index + step}-avatar`).closest(".scene").querySelector(`[data-action="${step < 0 ? "up" : "down"}"]`).focus();
}

function removeScene(index) {
  state.scenes.splice(index, 1);
  state.active = Math.min(state.active, state.scenes.length - 1);
  renderScenes();
  renderGallery();
}

// --- making the video -------------------------------------------------------------------------------------------

function dimension() {
  const [across, down] = SIZES[$("shape").value];
  const line = LINE[$("resolution").value];
  return across >= down ? { width: Math.round(line * across / down / 2) * 2, height: line }
                        : { width: line, height: Math.round(line * down / across / 2) * 2 };
}

function character(scene) {
  const look = state.looks.find((item) => item.id === scene.avatar) || {};
  const placing = { scale: Number(scene.scale), offset: { x: Number(scene.position), y: 0 }, avatar_style: scene.style };
  return look.avatar_type === "photo_avatar" && look.status
    ? { type: "talking_photo", talking_photo_id: scene.avatar, ...placing }
    : { type: "avatar", avatar_id: scene.avatar, ...placing };
}

function studioScene(scene) {
  const voice = scene.speech === "script"
    ? { type: "text", voice_id: scene.voice, input_text: scene.script }
    : { type: "audio", ...(scene.audio ? { audio_asset_id: scene.audio.asset_id } : {}) };
  const backgrounds = {
    auto: undefined,
    color: { type: "color", value: scene.color },
    image: { type: "image", ...(scene.image ? { image_asset_id: scene.image.asset_id } : {}), fit: "cover" },
  };
  return { character: character(scene), voice, background: backgrounds[scene.background] };
}

/** MP4 of every scene through the Studio endpoint, or a transparent WebM of one scene through v3. */
async function submit() {
  const title = $("title").value.trim() || undefined;
  if ($("format").value === "mp4") {
    const body = { title, caption: $("caption").checked, dimension: dimension(),
                   video_inputs: state.scenes.map(studioScene) };
    return (await api("POST", "/v2/video/generate", body)).data.video_id;
  }
  if (state.scenes.length > 1) {
    throw new ApiError("WebM with transparency is made from one scene: remove the others, or choose MP4.",
                       "output_format");
  }
  const [scene] = state.scenes;
  const speech = scene.speech === "script" ? { script: scene.script, voice_id: scene.voice }
    : { audio_asset_id: scene.audio ? scene.audio.asset_id : undefined };
  const body = { type: "avatar", avatar_id: scene.avatar, title, output_format: "webm", ...speech,
                 resolution: $("resolution").value, aspect_ratio: $("shape").value,
                 enable_caption: $("caption").checked };
  return (await api("POST", "/v3/videos", body)).data.video_id;
}

async function create(event) {
  event.preventDefault();
  clearErrors();
  $("create").disabled = true;
  $("player").hidden = true;
  $("player").removeAttribute("src");
  $("links").replaceChildren();
  $("notes").replaceChildren();
  try {
    const videoId = await submit();
    say("job-status", `Video ${videoId} is waiting to render.`);
    loadVideos();
    await follow(videoId);
  } catch (error) {
    say("job-status", "Not created: the reason is shown beside the field it is about.");
    showError(error, $("create-error"));
  } finally {
    $("create").disabled = false;
  }
}

async function follow(videoId) {
  state.following = videoId;
  $("job-progress").hidden = false;
  for (;;) {
    const video = (await api("GET", `/v3/videos/${encodeURIComponent(videoId)}`)).data;
    if (state.following !== videoId) return;
    $("job-progress").value = video.progress || 0;
    say("job-status", `Video ${video.title || video.id}: ${video.status} (${video.progress || 0} %)`);
    if (video.status === "completed" || video.status === "failed") {
      $("job-progress").hidden = true;
      show(video);
      loadVideos();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function show(video) {
  state.following = video.id;
  if (video.status === "failed") {
    say("job-status", `Video ${video.title || video.id} failed: ${video.failure_message || video.failure_code}`);
    $("player").hidden = true;
    return;
  }
  say("job-status", `Video ${video.title || video.id}: ${seconds(video.duration)}.`, true);
  $("player").poster = video.thumbnail_url || "";
  $("player").src = video.video_url;
  $("player").hidden = false;
  const files = [["Download the video", video.video_url], ["Captioned copy", video.captioned_video_url],
                 ["Subtitles (SRT)", video.subtitle_url], ["Subtitles (WebVTT)", video.vtt_url],
                 ["Captions (ASS)", video.caption_url], ["Thumbnail", video.thumbnail_url],
                 ["GIF preview", video.gif_url], ["Share page", video.video_page_url]];
  $("links").replaceChildren(...files.filter(([, url]) => url).map(([name, url]) => {
    const link = document.createElement("a");
    link.href = url;
    link.textContent = name;
    link.target = "_blank";
    link.rel = "noopener";
    const item = document.createElement("li");
    item.append(link);
    return item;
  }));
  $("notes").replaceChildren(...(video.notes || []).map((note) => {
    const item = document.createElement("li");
    item.textContent = note;
    return item;
  }));
}

const seconds = (value) => (typeof value === "number" ? `${value.toFixed(1)} s` : "–");

// --- videos made so far -----------------------------------------------------------------------------------------

async function loadVideos() {
  $("videos-error").hidden = true;
  try {
    const videos = (await api("GET", "/v3/videos?limit=20")).data;
    $("videos").tBodies[0].replaceChildren(...videos.map(videoRow));
    if (!videos.length) {
      const row = $("videos").tBodies[0].insertRow();
      const cell = row.insertCell();
      cell.colSpan = 5;
      cell.className = "empty";
      cell.textContent = "No videos yet.";
    }
  } catch (error) {
    showError(error, $("videos-error"));
  }
}

function videoRow(video) {
  const row = document.createElement("tr");
  row.dataset.video = video.id;
  const picture = row.insertCell();
  if (video.thumbnail_url) {
    const image = document.createElement("img");
    image.src = video.thumbnail_url;
    image.alt = `Thumbnail of ${video.title || video.id}`;
    picture.append(image);
  }
  const name = row.insertCell();
  name.textContent = video.title || "Untitled";
  const id = document.createElement("div");
  id.className = "id";
  id.textContent = `${video.id} · ${new Date(video.created_at * 1000).toLocaleString()}`;
  name.append(id);
  row.insertCell().textContent = video.status === "processing" ? `processing (${video.progress || 0} %)` : video.status;
  row.insertCell().textContent = seconds(video.duration);
  const actions = row.insertCell();
  const label = video.title || video.id;
  const buttons = [["Play", `Play ${label}`, video.status === "completed", () => playVideo(video.id)],
                   ["Webhooks", `Webhook deliveries of ${label}`, true, () => deliveries(video.id, label)],
                   ["Delete", `Delete ${label}`, true, () => deleteVideo(video.id)]];
  for (const [text, aria, enabled, run] of buttons) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = text === "Delete" ? "secondary danger" : "secondary";
    button.textContent = text;
    button.setAttribute("aria-label", aria);
    button.disabled = !enabled;
    button.addEventListener("click", run);
    actions.append(button);
  }
  return row;
}

async function playVideo(videoId) {
  try {
    show((await api("GET", `/v3/videos/${encodeURIComponent(videoId)}`)).data);
    $("result-title").scrollIntoView({ behavior: "smooth" });
  } catch (error) {
    showError(error, $("videos-error"));
  }
}

async function deleteVideo(videoId) {
  try {
    await api("DELETE", `/v3/videos/${encodeURIComponent(videoId)}`);
    if (state.following === videoId) {
      state.following = null;
      $("player").hidden = true;
      $("player").removeAttribute("src");
      $("player").load();
      $("links").replaceChildren();
      say("job-status", `Video ${videoId} was deleted.`);
    }
    $("deliveries").replaceChildren();
    await loadVideos();
  } catch (error) {
    showError(error, $("videos-error"));
  }
}

async function deliveries(videoId, label) {
  try {
    const events = (await api("GET", `/v3/webhooks/events?entity_id=${encodeURIComponent(videoId)}`)).data;
    const heading = document.createElement("h3");
    heading.textContent = `Webhook deliveries of ${label}`;
    if (!events.length) {
      const none = document.createElement("p");
      none.textContent = "None: no endpoint was registered (POST /v3/webhooks/endpoints) and the request had no " +
        "callback_url.";
      $("deliveries").replaceChildren(heading, none);
      return;
    }
    const table = document.createElement("table");
    table.innerHTML = "<thead><tr><th scope='col'>Event</th><th scope='col'>When</th><th scope='col'>Receiver</th>" +
      "<th scope='col'>Delivery</th><th scope='col'>Attempts</th></tr></thead>";
    const body = table.createTBody();
    for (const event of events) {
      for (const delivery of event.deliveries) {
        const row = body.insertRow();
        for (const text of [event.event_type, new Date(event.created_at).toLocaleString(), delivery.url,
                            delivery.status, String(delivery.attempts)]) row.insertCell().textContent = text;
      }
    }
    $("deliveries").replaceChildren(heading, table);
  } catch (error) {
    showError(error, $("videos-error"));
  }
}

// --- start ------------------------------------------------------------------------------------------------------

function start() {
  state.scenes = [newScene()];
  renderScenes();
  $("key").value = localStorage.getItem(KEY_STORE) || "";
  let typing = null;
  $("key").addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(checkKey, 400); });
  $("voice-language").addEventListener("change", renderVoices);
  $("voice-gender").addEventListener("change", renderVoices);
  $("add-scene").addEventListener("click", () => {
    const last = state.scenes[state.scenes.length - 1];
    state.scenes.push({ ...newScene(), avatar: last.avatar, voice: last.voice, script: "" });
    state.active = state.scenes.length - 1;
    renderScenes();
    renderGallery();
    $(`scene-${state.active}-script`).focus();
  });
  $("format").addEventListener("change", renderScenes);
  $("form").addEventListener("submit", create);
  $("refresh").addEventListener("click", loadVideos);
  acceptDrops($("photo-drop"), $("photo"), makeTalkingPhoto);
  acceptDrops($("footage-drop"), $("footage"), makeDigitalTwin);
  checkKey();
}

start();
