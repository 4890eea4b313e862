/* Security keys and passkeys: the browser's half of WebAuthn. The server (py_webauthn)
   makes the options and checks the answers; this file only converts between JSON and
   the browser's binary buffers. No inline script: pages mark the controls with data-*. */
(function () {
  "use strict";
  if (!window.PublicKeyCredential) { return; }
  function toBuffer(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    return Uint8Array.from(atob(base64), function (c) { return c.charCodeAt(0); }).buffer;
  }
  function toText(buffer) {
    var bytes = new Uint8Array(buffer), text = "";
    for (var i = 0; i < bytes.length; i++) { text += String.fromCharCode(bytes[i]); }
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()},
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().then(function (data) { data.status = response.status; return data; });
    });
  }
  function say(control, text) {
    var status = document.getElementById(control.dataset.status);
    if (status) { status.textContent = text; }
  }
  function descriptors(list) {
    return (list || []).map(function (d) { return {type: d.type, id: toBuffer(d.id), transports: d.transports}; });
  }

  document.querySelectorAll("[data-webauthn-register]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var name = document.getElementById(button.dataset.nameInput);
      post(button.dataset.optionsUrl).then(function (options) {
        if (options.error) { throw new Error(options.error); }
        options.challenge = toBuffer(options.challenge);
        options.user.id = toBuffer(options.user.id);
        options.excludeCredentials = descriptors(options.excludeCredentials);
        return navigator.credentials.create({publicKey: options});
      }).then(function (credential) {
        return post(button.dataset.registerUrl, {
          name: name ? name.value : "",
          credential: {
            id: credential.id, rawId: toText(credential.rawId), type: credential.type,
            response: {
              clientDataJSON: toText(credential.response.clientDataJSON),
              attestationObject: toText(credential.response.attestationObject),
              transports: credential.response.getTransports ? credential.response.getTransports() : []
            },
            clientExtensionResults: credential.getClientExtensionResults()
          }
        });
      }).then(function (result) {
        if (result.ok) { window.location = result.next; } else { say(button, result.error); }
      }).catch(function (error) { say(button, button.dataset.failed + " " + (error.message || "")); });
    });
  });

  document.querySelectorAll("[data-webauthn-signin]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      post(button.dataset.optionsUrl).then(function (options) {
        options.challenge = toBuffer(options.challenge);
        options.allowCredentials = descriptors(options.allowCredentials);
        return navigator.credentials.get({publicKey: options});
      }).then(function (credential) {
        var response = credential.response;
        return post(button.dataset.verifyUrl, {
          id: credential.id, rawId: toText(credential.rawId), type: credential.type,
          response: {
            clientDataJSON: toText(response.clientDataJSON),
            authenticatorData: toText(response.authenticatorData),
            signature: toText(response.signature),
            userHandle: response.userHandle ? toText(response.userHandle) : null
          },
          clientExtensionResults: credential.getClientExtensionResults()
        });
      }).then(function (result) {
        if (result.ok || result.next) { window.location = result.next; } else { say(button, result.error); }
      }).catch(function (error) { say(button, button.dataset.failed + " " + (error.message || "")); });
    });
  });
})();
