const { QondorTrigger } = require('./dist/nodes/Qondor/QondorTrigger.node.js');
const { createContext } = require('./bench/lib/context');
const { qondorRequest } = require('./scripts/lib/senders');
const offer = require('./test/fixtures/qondor/OfferSentV1.json');
const node = new QondorTrigger();
const cred = { headerName: 'X-Q', headerSecret: 'secret-value-1234567890' };
const staticData = {};
const N = 100000;
const reqs = Array.from({ length: N }, (_, i) => qondorRequest({ ...offer, webhookId: 'id-' + i }, cred));
(async () => {
  const s = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const ctx = createContext(reqs[i], { parameters: { authentication: 'headerAuth', topics: ['*'], settings: {} }, credentials: { qondorWebhookApi: cred }, staticData, workflowId: 'w' });
    await node.webhook.call(ctx.context ?? ctx);
  }
  console.log(Number(process.hrtime.bigint() - s) / N / 1000, 'us');
})();
