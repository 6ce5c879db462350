// n8n 1.x on the machine's Node.js 20.
require('./suite').defineSuite(1);
