// n8n loads the nodes and credentials listed in the "n8n" section of package.json;
// this entry point exists so the package can be required and exports nothing.
module.exports = {};
