// Drives Novu's v1 headless client (@novu/headless, which speaks /v1/widgets) against a Clarion stack: session,
// feed, unseen count, mark read, unseen count again. Prints one JSON line with what each step answered.
const { HeadlessService } = require("@novu/headless");

const [backendUrl, applicationIdentifier, subscriberId, subscriberHash] = process.argv.slice(2);
const service = new HeadlessService({
  backendUrl,
  socketUrl: "http://127.0.0.1:9", // no web socket server: the client logs the refusal and carries on
  applicationIdentifier,
  subscriberId,
  subscriberHash,
  config: { retry: 0 },
});

function step(call, options = {}) {
  return new Promise((resolve, reject) => {
    call({ ...options, listener: () => {}, onSuccess: resolve, onError: reject });
  });
}

(async () => {
  const session = await step((o) => service.initializeSession(o));
  const feed = await step((o) => service.fetchNotifications(o), { page: 0 });
  const unseen = await step((o) => service.fetchUnseenCount(o));
  const messageId = feed.data[0]._id;
  const marked = await step((o) => service.markNotificationsAsRead(o), { messageId });
  const after = await step((o) => service.fetchUnseenCount(o));
  console.log(
    JSON.stringify({
      subscriberId: session.profile.subscriberId,
      contents: feed.data.map((message) => message.content),
      unseen: unseen.count,
      markedRead: marked.map((message) => message.read),
      unseenAfter: after.count,
    })
  );
  process.exit(0);
})().catch((error) => {
  console.error(String(error && error.message ? error.message : error));
  process.exit(1);
});
