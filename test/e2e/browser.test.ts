import fs from 'node:fs';
import path from 'node:path';
import { startTestBot, TestBot } from '../helpers/bot-harness';
import { openPlayground, PlaygroundBrowser } from '../helpers/browser';
import { Playground, startPlayground } from '../helpers/playground';
import { Backends, startBackends } from '../helpers/world';

/**
 * A person in a real browser: Debian's chromium through the Playground's web UI. Screenshots of each
 * stage go to test-artifacts/ (the README's pictures come from there).
 */
describe('the create flow in the Playground web UI', () => {
  let backends: Backends;
  let bot: TestBot;
  let pg: Playground;
  let ui: PlaygroundBrowser;

  beforeAll(async () => {
    backends = await startBackends({ mode: 'poll', stepMs: 700 });
    // As npm run dev: the Playground's user (Alex Wilber) approves, their own requests included.
    bot = await startTestBot({
      ...backends.env,
      UMP_POLL_INTERVAL_MS: '100',
      CARD_EDIT_MIN_INTERVAL_MS: '200',
      APPROVERS: '00000000-0000-0000-0000-0000000000020',
      ALLOW_SELF_APPROVAL: 'true',
    });
    pg = await startPlayground({ botEndpoint: bot.messagesUrl });
    ui = await openPlayground(pg.url);
  }, 90_000);

  afterAll(async () => {
    await ui?.close();
    await pg?.stop();
    await bot?.stop();
    await backends?.close();
  });

  it('new → client-side validation blocks a bad short name → submit → steps tick → Deployed', async () => {
    await ui.selectChat('Personal Chat');
    await ui.sendMessage('new');
    const form = await ui.lastCard('New Essentials customer', 30_000);
    await ui.screenshot('01-form', form);

    await ui.fillTextbox(form, 'Short name (3–15 characters, no spaces, no dot, none of \\ / : * ? " < > |)', 'Acme 01');
    await ui.fillTextbox(form, "Customer's Microsoft 365 tenant (tenant id GUID or domain)", 'contoso.onmicrosoft.com');
    await ui.fillTextbox(form, 'SBC id (from the Known SBCs list)', '5');
    await ui.clickButton(form, 'Create customer');
    // The client refuses to send: the card stays a form and shows the field's error message.
    await form.getByText('Short name: 3–15 characters', { exact: false }).first().waitFor({ timeout: 10_000 });
    await ui.screenshot('02-validation', form);
    // Nothing reached the bot: the Playground enforced the card's own rule.
    expect(bot.logs.some((l) => l.includes('adaptiveCard/action'))).toBe(false);

    await ui.fillTextbox(form, 'Short name (3–15 characters, no spaces, no dot, none of \\ / : * ? " < > |)', 'Acme01');
    await ui.clickButton(form, 'Create customer');
    const deploying = await ui.lastCard(/Deploying: Acme01/, 20_000);
    await deploying.getByText('Customer data created!').waitFor({ timeout: 20_000 });
    await ui.screenshot('03-deploying', deploying);

    const done = await ui.lastCard(/Deployed: Acme01/, 30_000);
    await done.getByText('Site created in Ovoc').waitFor({ timeout: 10_000 });
    const shot = await ui.screenshot('04-deployed', done);
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
    expect(path.basename(shot)).toMatch(/04-deployed/);
  }, 120_000);

  it('in a team channel: @mention new → submit → the approval card → Show my actions → Approve → Deployed', async () => {
    await ui.selectChat('My Team - General');
    await ui.postMentioningBot('Test Bot', 'new shortName=AcmeTeam msTenantId=fabrikam.onmicrosoft.com sbcId=5');
    const form = await ui.lastCard('New Essentials customer', 30_000);
    await ui.clickButton(form, 'Create customer');
    const waiting = await ui.lastCard(/Waiting for approval: AcmeTeam/, 20_000);
    await waiting.getByText('self-approval is allowed here', { exact: false }).first().waitFor({ timeout: 10_000 });
    await ui.screenshot('05-approval', waiting);
    await ui.clickButton(waiting, 'Show my actions');
    const mine = await ui.lastCard(/Waiting for approval: AcmeTeam/, 10_000);
    await mine.getByRole('button', { name: 'Approve', exact: true }).waitFor({ timeout: 10_000 });
    await ui.clickButton(mine, 'Approve');
    const done = await ui.lastCard(/Deployed: AcmeTeam/, 30_000);
    await done.getByText('Approved by Alex Wilber', { exact: false }).first().waitFor({ timeout: 10_000 });
    expect(backends.sandbox.deploymentOrder().filter((n) => n === 'AcmeTeam')).toHaveLength(1);
  }, 120_000);
});
