// Where the data is. `gtt dashboard` writes this file; the shipped default is null, and
// then the site reads config.json or the URL parameter ?source=.
window.GTT_CONFIG = null;
