// For a local folder, `gtt dashboard` writes the data here so the site opens from
// file://. The shipped default is null: the data is fetched from the source.
window.GTT_DATA = null;
