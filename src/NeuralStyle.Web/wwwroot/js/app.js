// NeuralStyle web app: picks the images, starts a job through the HTTP API, follows its
// server-sent events (progress, previews, loss), and shows and keeps the result. A trained style
// is applied in one pass instead: by the server (POST /api/styles/{id}/apply), or in this browser
// with onnxruntime-web (served by the app from lib/onnxruntime-web), the server computing nothing.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  // The [content weight, style weight] a job takes when it sets neither, by loss normalisation and
  // statistic (GET /api/weights, the library's defaults): the strength control multiplies the style weight.
  let startingWeights = null;
  const strengths = { "-2": ["much weaker", 0.25], "-1": ["weaker", 0.5], "0": ["normal", 1], "1": ["stronger", 2], "2": ["much stronger", 4] };
  const recentKey = "neuralstyle.recent";

  let contentFile = null;
  let styleFiles = [];
  let trainedStyles = [];
  let trainedStyle = null;
  let job = null;
  let events = null;
  let losses = [];

  // --- Choosing images ----------------------------------------------------------------------

  function thumbnail(file, onRemove) {
    const box = document.createElement("div");
    box.className = "thumb";
    const img = document.createElement("img");
    img.src = URL.createObjectURL(file);
    img.alt = file.name;
    box.append(img);
    if (onRemove) {
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "×";
      remove.title = "Remove";
      remove.setAttribute("aria-label", `Remove ${file.name}`);
      remove.addEventListener("click", onRemove);
      box.append(remove);
    }
    return box;
  }

  function showInputs() {
    $("content-thumbs").replaceChildren(...(contentFile ? [thumbnail(contentFile, () => { contentFile = null; showInputs(); })] : []));
    $("styles-thumbs").replaceChildren(...styleFiles.map((file, i) => thumbnail(file, () => { styleFiles.splice(i, 1); showInputs(); })));
  }

  function images(fileList) {
    return [...fileList].filter((file) => file.size > 0);
  }

  function setContent(files) {
    const [first] = images(files);
    if (first) { contentFile = first; hideError(); showInputs(); }
  }

  function addStyles(files) {
    styleFiles = styleFiles.concat(images(files));
    if (styleFiles.length > 0) chooseTrained(null);
    hideError();
    showInputs();
  }

  // --- Trained styles: one pass, on the server or in this browser ---------------------------

  function showTrained() {
    $("trained").hidden = trainedStyles.length === 0;
    $("trained-list").replaceChildren(...trainedStyles.map((style) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "trained-style";
      button.dataset.id = style.id;
      button.textContent = style.name;
      button.setAttribute("aria-pressed", String(trainedStyle === style));
      button.addEventListener("click", () => chooseTrained(trainedStyle === style ? null : style));
      return button;
    }));
    for (const element of document.querySelectorAll(".optimisation-only")) element.hidden = trainedStyle !== null;
    for (const element of document.querySelectorAll(".trained-only")) element.hidden = trainedStyle === null;
  }

  function chooseTrained(style) {
    trainedStyle = style;
    if (style) styleFiles = [];
    hideError();
    showInputs();
    showTrained();
  }

  let ortLoading = null;
  const sessions = new Map();

  function loadOnnxRuntime() {
    ortLoading ??= new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = "lib/onnxruntime-web/ort.wasm.min.js";
      script.addEventListener("load", () => {
        window.ort.env.wasm.wasmPaths = new URL("lib/onnxruntime-web/", location.href).href;
        window.ort.env.wasm.numThreads = 1; // threads need a cross-origin-isolated page
        resolve(window.ort);
      });
      script.addEventListener("error", () => { ortLoading = null; reject(new Error("onnxruntime-web could not be loaded from this server.")); });
      document.head.append(script);
    });
    return ortLoading;
  }

  function sessionFor(ort, style) {
    if (!sessions.has(style.id)) {
      const session = ort.InferenceSession.create(style.modelUrl, { executionProviders: ["wasm"] });
      session.catch(() => sessions.delete(style.id));
      sessions.set(style.id, session);
    }
    return sessions.get(style.id);
  }

  // As the server does: the photo fitted to the size (never enlarged), padded to sides the network
  // takes (multiples of 4, at least 16) by repeating its edges, stylised, and the padding cut off.
  async function stylizeInBrowser(style, file, maxSide) {
    const ort = await loadOnnxRuntime();
    const session = await sessionFor(ort, style);
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d", { willReadFrequently: true });
    context.imageSmoothingQuality = "high";
    context.drawImage(bitmap, 0, 0, width, height);
    bitmap.close();
    const pixels = context.getImageData(0, 0, width, height).data;
    const paddedWidth = Math.max(16, Math.ceil(width / 4) * 4);
    const paddedHeight = Math.max(16, Math.ceil(height / 4) * 4);
    const plane = paddedWidth * paddedHeight;
    const input = new Float32Array(3 * plane);
    for (let y = 0; y < paddedHeight; y++) {
      const row = Math.min(y, height - 1) * width;
      for (let x = 0; x < paddedWidth; x++) {
        const i = (row + Math.min(x, width - 1)) * 4;
        const o = y * paddedWidth + x;
        input[o] = pixels[i] / 255;
        input[plane + o] = pixels[i + 1] / 255;
        input[2 * plane + o] = pixels[i + 2] / 255;
      }
    }
    const outputs = await session.run({ image: new ort.Tensor("float32", input, [1, 3, paddedHeight, paddedWidth]) });
    const output = outputs.stylised.data;
    const image = context.createImageData(width, height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const o = y * paddedWidth + x;
        const i = (y * width + x) * 4;
        for (let c = 0; c < 3; c++) image.data[i + c] = Math.round(Math.min(1, Math.max(0, output[c * plane + o])) * 255);
        image.data[i + 3] = 255;
      }
    }
    context.putImageData(image, 0, 0);
    return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
  }

  async function stylizeOnServer(style, file, size) {
    const data = new FormData();
    data.append("content", file, file.name);
    data.append("size", size);
    const response = await fetch(style.applyUrl, { method: "POST", body: data });
    if (!response.ok) throw new Error(await problemOf(response));
    return response.blob();
  }

  async function runTrained() {
    const where = $("run-where").value;
    const started = performance.now();
    const label = $("start").textContent;
    $("start").textContent = where === "browser" ? "Stylising in this browser…" : "Stylising on the server…";
    try {
      const blob = where === "browser"
        ? await stylizeInBrowser(trainedStyle, contentFile, Number($("size").value))
        : await stylizeOnServer(trainedStyle, contentFile, $("size").value);
      const seconds = (performance.now() - started) / 1000;
      const url = URL.createObjectURL(blob);
      $("done-title").textContent = `Done in ${seconds.toFixed(1)} s ${where === "browser" ? "in this browser" : "on the server"}`;
      const name = document.createElement("p");
      name.className = "trained-name";
      name.textContent = trainedStyle.name;
      $("done-inputs").replaceChildren(thumbnail(contentFile), name);
      $("result").dataset.where = where;
      $("result").src = url;
      $("download").href = url;
      $("job-form").hidden = true;
      $("done").hidden = false;
    } catch (error) {
      showError(error.message || "The style could not be applied.");
    } finally {
      $("start").textContent = label;
    }
  }

  function dropZone(zone, onFiles) {
    zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (e) => {
      e.preventDefault();
      zone.classList.remove("over");
      onFiles(e.dataTransfer.files);
    });
  }

  $("content-input").addEventListener("change", (e) => { setContent(e.target.files); e.target.value = ""; });
  $("styles-input").addEventListener("change", (e) => { addStyles(e.target.files); e.target.value = ""; });
  dropZone($("content-drop"), setContent);
  dropZone($("styles-drop"), addStyles);

  $("strength").addEventListener("input", (e) => { $("strength-label").textContent = strengths[e.target.value][0]; });

  // --- Errors -------------------------------------------------------------------------------

  function showError(message) {
    $("error").textContent = message;
    $("error").hidden = false;
  }

  function hideError() {
    $("error").hidden = true;
  }

  async function problemOf(response) {
    try {
      const problem = await response.json();
      return problem.detail || problem.title || `The server answered ${response.status}.`;
    } catch {
      return `The server answered ${response.status}.`;
    }
  }

  // --- Starting a job -----------------------------------------------------------------------

  function formData() {
    const data = new FormData();
    data.append("content", contentFile, contentFile.name);
    styleFiles.forEach((file) => data.append("styles", file, file.name));
    for (const id of ["size", "iterations", "preserve-colors", "precision", "start-size", "seed"]) {
      const field = $(id);
      if (field.value !== "") data.append(field.name, field.value);
    }
    const factor = strengths[$("strength").value][1];
    const statistic = $("style-statistic").value;
    const normalization = $("loss-normalization").value;
    // Sent always: the job runs what the form shows, whatever the server's defaults.
    data.append("styleStatistic", statistic);
    data.append("lossNormalization", normalization);
    if (factor !== 1) {
      const weights = startingWeights?.[normalization]?.[statistic];
      if (!weights) throw new Error("The page could not read the server's starting weights: reload it to change the strength.");
      data.append("styleWeight", String(weights[1] * factor));
    }
    return data;
  }

  $("job-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    hideError();
    if (!contentFile) { showError("Choose a photo first."); return; }
    if (styleFiles.length === 0 && !trainedStyle) { showError("Choose at least one style image, or a trained style."); return; }
    $("start").disabled = true;
    if (trainedStyle) {
      await runTrained();
      $("start").disabled = false;
      return;
    }
    let body;
    try {
      body = formData();
    } catch (error) {
      showError(error.message);
      $("start").disabled = false;
      return;
    }
    try {
      const response = await fetch("/api/jobs", { method: "POST", body });
      if (!response.ok) { showError(await problemOf(response)); return; }
      follow(await response.json());
    } catch {
      showError("The server could not be reached; check that it is running and try again.");
    } finally {
      $("start").disabled = false;
    }
  });

  // --- Following it -------------------------------------------------------------------------

  function follow(started) {
    job = started;
    losses = [];
    $("job-form").hidden = true;
    $("done").hidden = true;
    $("run").hidden = false;
    $("preview").removeAttribute("src");
    $("preview").removeAttribute("data-iteration");
    $("cancel").disabled = false;
    update(started);
    events = new EventSource(started.eventsUrl);
    events.addEventListener("progress", (e) => update(JSON.parse(e.data)));
    events.addEventListener("end", (e) => { events.close(); finish(JSON.parse(e.data)); });
  }

  function clock(seconds) {
    const s = Math.max(0, Math.round(seconds));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }

  function update(view) {
    job = view;
    const queue = $("queue");
    queue.hidden = view.state !== "queued";
    queue.textContent = view.queuePosition ? `Waiting for a turn: number ${view.queuePosition} in the queue.` : "Waiting for a turn…";
    if (view.totalIterations > 0) {
      $("progress").max = view.totalIterations;
      $("progress").value = view.iteration;
      const eta = view.remainingSeconds == null ? "" : ` · about ${clock(view.remainingSeconds)} left`;
      $("progress-text").textContent =
        `Iteration ${view.iteration} of ${view.totalIterations} · scale ${view.scale} of ${view.scaleCount} (${view.width} × ${view.height})${eta}`;
    } else if (view.state === "running") {
      $("progress-text").textContent = "Preparing the images and the network…";
    }
    if (view.previewUrl && $("preview").getAttribute("src") !== view.previewUrl) {
      $("preview").src = view.previewUrl;
      $("preview").dataset.iteration = view.previewUrl.split("iteration=")[1] || "";
    }
    const last = losses.length ? losses[losses.length - 1][0] : 0;
    for (const point of view.losses) {
      if (point[0] > last) losses.push(point);
    }
    drawLosses();
  }

  function drawLosses() {
    const canvas = $("loss-chart");
    const context = canvas.getContext("2d");
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.fillStyle = "#5c5c6e";
    context.font = "12px system-ui, sans-serif";
    context.fillText("loss (log scale)", 8, 16);
    const points = losses.filter((p) => p[1] > 0);
    if (points.length < 2) return;
    const logs = points.map((p) => Math.log10(p[1]));
    const low = Math.min(...logs);
    const high = Math.max(...logs);
    const first = points[0][0];
    const span = Math.max(1, points[points.length - 1][0] - first);
    const x = (i) => 8 + ((points[i][0] - first) / span) * (canvas.width - 16);
    const y = (i) => canvas.height - 8 - ((logs[i] - low) / Math.max(1e-9, high - low)) * (canvas.height - 32);
    context.strokeStyle = "#3b4ba8";
    context.lineWidth = 2;
    context.beginPath();
    points.forEach((_, i) => (i === 0 ? context.moveTo(x(i), y(i)) : context.lineTo(x(i), y(i))));
    context.stroke();
  }

  $("cancel").addEventListener("click", async () => {
    if (!job) return;
    $("cancel").disabled = true;
    const response = await fetch(`/api/jobs/${job.id}`, { method: "DELETE" });
    if (!response.ok && response.status !== 404) showError(await problemOf(response));
  });

  // --- The end ------------------------------------------------------------------------------

  function finish(view) {
    update(view);
    $("run").hidden = true;
    if (view.state === "succeeded") {
      $("done-title").textContent = "Done";
      $("done-inputs").replaceChildren(thumbnail(contentFile), ...styleFiles.map((file) => thumbnail(file)));
      $("result").src = view.resultUrl;
      $("download").href = view.resultUrl;
      $("done").hidden = false;
      remember(view);
    } else {
      $("job-form").hidden = false;
      showError(view.error || (view.state === "canceled" ? "Cancelled." : "The job failed."));
    }
  }

  $("again").addEventListener("click", () => {
    $("done").hidden = true;
    $("job-form").hidden = false;
  });

  // --- Recent results of this browser session -------------------------------------------------

  function recent() {
    try { return JSON.parse(sessionStorage.getItem(recentKey)) || []; } catch { return []; }
  }

  function remember(view) {
    const list = [{ id: view.id, resultUrl: view.resultUrl }, ...recent().filter((r) => r.id !== view.id)].slice(0, 12);
    sessionStorage.setItem(recentKey, JSON.stringify(list));
    showRecent();
  }

  function showRecent() {
    const list = recent();
    $("recent").hidden = list.length === 0;
    $("recent-list").replaceChildren(...list.map((r) => {
      const link = document.createElement("a");
      link.className = "thumb";
      link.href = r.resultUrl;
      link.download = "";
      const img = document.createElement("img");
      img.src = r.resultUrl;
      img.alt = "A recent result";
      img.addEventListener("error", () => link.remove()); // Deleted on the server after its lifetime.
      link.append(img);
      return link;
    }));
  }

  // --- Start-up: the server's limits and starting weights ---------------------------------------------------------

  fetch("/api/limits").then((r) => (r.ok ? r.json() : null)).then((limits) => {
    if (!limits) return;
    $("size").max = limits.maxSize;
    $("start-size").max = limits.maxSize;
    $("iterations").max = limits.maxIterations;
    if (Number($("size").value) > limits.maxSize) $("size").value = limits.maxSize;
    if (limits.bfloat16 === "emulated") {
      const option = document.querySelector('#precision option[value="bfloat16"]');
      option.disabled = true;
      option.textContent = "bfloat16 (not on this server: its CPU emulates it, about 30× slower)";
      $("precision").value = "float32";
    }
  }).catch(() => {});

  fetch("/api/weights").then((r) => (r.ok ? r.json() : null)).then((weights) => { startingWeights = weights; }).catch(() => {});

  fetch("/api/styles").then((r) => (r.ok ? r.json() : [])).then((styles) => {
    trainedStyles = styles;
    showTrained();
  }).catch(() => {});

  showRecent();
})();
