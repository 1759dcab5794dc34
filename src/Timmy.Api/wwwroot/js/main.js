// Entry point: reads the server's client config, then wires up the panels.
import { getConfig } from './api.js';
import { setUpAsk } from './ask.js';
import { setUpChat } from './chat.js';
import { setUpDemo } from './demo.js';
import { setUpSession } from './session.js';
import { $, show } from './ui.js';

const config = await getConfig().catch(() => ({
  stubPayments: false, evalFeeSats: 10, demoRequestsPerWindow: 5, minDepositSats: 100, maxDepositSats: 10000,
}));
show($('stub-banner'), config.stubPayments);
setUpAsk(config);
setUpDemo(config);
setUpSession(config);
setUpChat(config);
