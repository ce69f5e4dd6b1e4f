// tests/test_forms.py: renders `rongcuo schema --for forms` with react-jsonschema-form (@rjsf/core,
// Apache-2.0) in headless Chromium. Bundled by esbuild into build/render.js (not committed).
import React from "react";
import { createRoot } from "react-dom/client";
import Form from "@rjsf/core";
import { customizeValidator } from "@rjsf/validator-ajv8";
import Ajv2020 from "ajv/dist/2020";

// the schema declares $schema 2020-12: rjsf validates with ajv's 2020-12 class
const validator = customizeValidator({ AjvClass: Ajv2020 });

window.renderForm = (schema, formData) =>
  new Promise((resolve) => {
    const ref = React.createRef();
    window.rjsfForm = ref;
    const root = createRoot(document.getElementById("root"));
    root.render(
      <Form schema={schema} formData={formData} validator={validator} ref={ref} onChange={(e) => { window.formData = e.formData; }} />
    );
    const wait = () => (ref.current ? resolve(true) : setTimeout(wait, 20));
    wait();
  });

// the form's current data, as rjsf holds it
window.currentFormData = () => window.rjsfForm.current.state.formData;
// rjsf's own validation of the current data (true when valid)
window.validateForm = () => window.rjsfForm.current.validateForm();

// strict mode: an unknown keyword (a vendor keyword not declared as a vocabulary) fails to compile
window.strictCompile = (schema) => {
  try {
    new Ajv2020({ strict: true, allErrors: true }).compile(schema);
    return "ok";
  } catch (e) {
    return String(e && e.message ? e.message : e);
  }
};
