import { eventually } from './eventually';
import { deliverMail, TestApp } from './test-app';

/** The link of the newest message to `address` with this subject, as its reader would click it. */
export async function mailedLink(t: TestApp, address: string, subject: string): Promise<string> {
  let link: string | undefined;
  const arrived = await eventually(async () => {
    await deliverMail(t);
    const mail = (await t.mailbox.messagesTo(address)).filter((message) => message.subject === subject).pop();
    link = mail && /(http:\/\/\S+#token=\S+)/.exec(mail.text)?.[1];
    return link !== undefined;
  }, 10_000);
  if (!arrived) throw new Error(`no "${subject}" message to ${address}`);
  return link!;
}
