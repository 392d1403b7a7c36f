import { composeMail } from './mail-message';

describe('composeMail', () => {
  const message = composeMail({
    to: "o'brien&co@example.com",
    subject: 'Confirm your email address',
    paragraphs: ["Confirm that o'brien&co@example.com is your address.", 'No <b>markup</b> from anyone.'],
    link: { url: 'https://app.example.com/verify-email#token=lnk_x&y="z"', label: 'Confirm' },
  });

  it('escapes in HTML whatever the paragraphs and the link hold', () => {
    expect(message.html).toContain('<p>Confirm that o&#39;brien&amp;co@example.com is your address.</p>');
    expect(message.html).toContain('<p>No &lt;b&gt;markup&lt;/b&gt; from anyone.</p>');
    expect(message.html).toContain('<a href="https://app.example.com/verify-email#token=lnk_x&amp;y=&quot;z&quot;">Confirm</a>');
    expect(message.html).not.toContain('<b>');
  });

  it('keeps the text part as written, the link on a line of its own', () => {
    expect(message.text).toBe(
      "Confirm that o'brien&co@example.com is your address.\n\nNo <b>markup</b> from anyone.\n\n" +
        'Confirm: https://app.example.com/verify-email#token=lnk_x&y="z"\n',
    );
  });

  it('takes the recipient and subject as given: no other header comes from the content', () => {
    expect(message).toEqual(expect.objectContaining({ to: "o'brien&co@example.com", subject: 'Confirm your email address' }));
    expect(Object.keys(message).sort()).toEqual(['html', 'subject', 'text', 'to']);
  });
});
