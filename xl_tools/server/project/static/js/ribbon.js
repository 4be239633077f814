// xl-tools ribbon buttons (overrides xlwings-server's static/js/ribbon.js).
// The FunctionName values are those in templates/manifest.xml.
async function xltoolsRun(scriptName, event) {
  try {
    let authResult =
      typeof globalThis.getAuth === "function"
        ? await globalThis.getAuth()
        : { token: "", provider: "" };
    await xlwings.runPython({
      auth: authResult.token,
      scriptName: scriptName,
      headers: { "Auth-Provider": authResult.provider },
    });
  } finally {
    event.completed();
  }
}
Office.actions.associate("xltools-refresh", (event) => xltoolsRun("refresh", event));
Office.actions.associate("xltools-publish", (event) => xltoolsRun("publish", event));
