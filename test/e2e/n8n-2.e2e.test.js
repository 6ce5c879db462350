// n8n 2.x on Node.js 24 (installed from the npm registry into the cache).
require('./suite').defineSuite(2);
