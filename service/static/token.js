// The access-token panel of the three pages (templates/_token_panel.html): where the token is
// kept, the status line, asking for a token, and the Authorization header. Loaded before each
// page's own script. Plain JavaScript, no build step. Texts in Portuguese.
"use strict";

window.motivoToken = (function () {
  const $ = (id) => document.getElementById(id);
  const STATE = {
    missing: "Token não configurado",
    saved: "Token configurado",
    refused: "Token recusado pelo serviço",
  };

  // One panel per page. `key`: the storage key (stored tokens must keep working, so pages keep
  // theirs); `keep`: "session" (until the browser closes; where the panel has the "Lembrar" box
  // and it is ticked, in localStorage too) or "local"; `onSave`: what the page does once a token
  // is saved.
  function panel({ key, keep, onSave }) {
    const get = () => sessionStorage.getItem(key) || localStorage.getItem(key) || "";

    function save(value) {
      if (keep === "local") {
        localStorage.setItem(key, value);
        return;
      }
      sessionStorage.setItem(key, value);
      const remember = $("token-remember");
      if (!remember) return;
      if (remember.checked) localStorage.setItem(key, value);
      else localStorage.removeItem(key); // unticked: forget what this computer remembered
    }
    function refresh() {
      $("token-state").textContent = get() ? STATE.saved : STATE.missing;
    }
    function show() {
      $("token-panel").hidden = false;
      $("token-input").value = "";
      $("token-input").focus();
    }
    // The service answered 401: say so beside "Trocar token" and ask again.
    function refused() {
      $("token-state").textContent = STATE.refused;
      show();
    }

    $("token-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const value = $("token-input").value.trim();
      if (!value) return;
      save(value);
      $("token-panel").hidden = true;
      refresh();
      if (onSave) onSave();
    });
    $("token-change").addEventListener("click", () => show());
    refresh();

    return {
      get,
      header: () => ({ Authorization: `Bearer ${get()}` }),
      show,
      refused,
      isOpen: () => !$("token-panel").hidden,
    };
  }

  return { panel };
})();
