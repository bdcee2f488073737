/**
 * Localized material for the portal generator: names, positions, chat titles and message templates with BB codes.
 * Templates use `{u}` (a member's id, for `[USER={u}]` mentions), `{name}` (a member's name), `{chat}` (another chat's
 * id) and `{n}` (a number).
 *
 * @internal
 */

/**
 * @internal
 */
export interface Corpus {
  readonly maleFirst: ReadonlyArray<string>
  readonly femaleFirst: ReadonlyArray<string>
  readonly maleLast: ReadonlyArray<string>
  readonly femaleLast: ReadonlyArray<string>
  readonly positions: ReadonlyArray<string>
  readonly ceo: string
  readonly groupTitles: ReadonlyArray<string>
  readonly openTitles: ReadonlyArray<string>
  readonly channelTitles: ReadonlyArray<string>
  readonly openChannelTitles: ReadonlyArray<string>
  readonly collabTitles: ReadonlyArray<string>
  readonly copilotTitles: ReadonlyArray<string>
  readonly taskTitles: ReadonlyArray<string>
  readonly workgroupTitles: ReadonlyArray<string>
  readonly dealTitles: ReadonlyArray<string>
  readonly videoconference: (n: number) => string
  readonly general: string
  readonly guest: (n: number) => string
  readonly line: (guest: string, n: number) => string
  readonly messages: ReadonlyArray<string>
  readonly system: ReadonlyArray<string>
  readonly taskCreated: string
  readonly joined: string
  readonly lineGuest: ReadonlyArray<string>
  readonly lineOperator: ReadonlyArray<string>
  readonly copilotQuestions: ReadonlyArray<string>
  readonly copilotAnswers: ReadonlyArray<string>
  readonly channelPosts: ReadonlyArray<string>
  readonly attachDescriptions: ReadonlyArray<string>
  readonly files: ReadonlyArray<readonly [type: string, name: string]>
  readonly botName: readonly [first: string, last: string, position: string]
  readonly copilotName: readonly [first: string, last: string, position: string]
  readonly networkName: readonly [first: string, last: string, position: string]
  readonly domain: string
  readonly tld: string
}

const QUOTE_LINE = "-".repeat(54)

const ru: Corpus = {
  maleFirst: [
    "Александр",
    "Дмитрий",
    "Максим",
    "Сергей",
    "Андрей",
    "Алексей",
    "Артём",
    "Илья",
    "Кирилл",
    "Михаил",
    "Никита",
    "Иван",
    "Егор",
    "Роман",
    "Павел",
    "Олег"
  ],
  femaleFirst: [
    "Анна",
    "Мария",
    "Елена",
    "Ольга",
    "Наталья",
    "Екатерина",
    "Татьяна",
    "Ирина",
    "Светлана",
    "Юлия",
    "Дарья",
    "Алина",
    "Ксения",
    "Полина",
    "Виктория",
    "Марина"
  ],
  maleLast: [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев"
  ],
  femaleLast: [
    "Иванова",
    "Смирнова",
    "Кузнецова",
    "Попова",
    "Васильева",
    "Петрова",
    "Соколова",
    "Михайлова",
    "Новикова",
    "Фёдорова",
    "Морозова",
    "Волкова",
    "Алексеева",
    "Лебедева",
    "Семёнова",
    "Егорова",
    "Павлова",
    "Козлова",
    "Степанова",
    "Николаева"
  ],
  positions: [
    "Менеджер по продажам",
    "Бухгалтер",
    "Разработчик",
    "Тестировщик",
    "Дизайнер",
    "Руководитель отдела продаж",
    "HR-менеджер",
    "Маркетолог",
    "Аналитик",
    "Юрист",
    "Офис-менеджер",
    "Системный администратор",
    "Менеджер проектов",
    "Специалист поддержки",
    ""
  ],
  ceo: "Генеральный директор",
  groupTitles: [
    "Отдел продаж",
    "Бухгалтерия",
    "Планёрка по понедельникам",
    "Разработка мобильного приложения",
    "Маркетинг: весенняя кампания",
    "Корпоратив 2026",
    "Закупки",
    "Техподдержка",
    "Дизайн сайта",
    "Отчётность Q1",
    "Хочу зеленый чат",
    "Обеды и кофе"
  ],
  openTitles: ["Идеи для офиса", "Английский клуб", "Велосипедисты", "Книжный клуб"],
  channelTitles: ["Новости компании", "Релизы продукта", "Приказы и распоряжения"],
  openChannelTitles: ["Объявления", "Вакансии", "База знаний"],
  collabTitles: ["Проект «Альфа» с партнёрами", "Совместная выставка", "Интеграция с подрядчиком"],
  copilotTitles: ["CoPilot: черновик письма", "CoPilot: план встречи", "CoPilot"],
  taskTitles: [
    "Подготовить коммерческое предложение",
    "Исправить ошибку в отчёте",
    "Максимально полный шаблон задачи",
    "Обновить прайс-лист",
    "Провести инвентаризацию",
    "Согласовать договор поставки",
    "Настроить рассылку"
  ],
  workgroupTitles: ["Отдел продаж", "Проект «Новый офис»", "Маркетинг"],
  dealTitles: ["Сделка: поставка оборудования", "Сделка: годовое обслуживание", "Сделка: ООО «Вектор»"],
  videoconference: (n) => `Видеоконференция №${n}`,
  general: "Общий чат",
  guest: (n) => `Гость №${n}`,
  line: (guest, n) => `${guest} - Открытая линия ${n}`,
  messages: [
    "Привет! Как дела с [b]отчётом[/b]?",
    "[USER={u}][/USER], посмотри, пожалуйста",
    "[USER={u}]{name}[/USER], спасибо!",
    "Ссылка на документ: [url=https://docs.example.ru/q1]Отчёт за квартал[/url]",
    "[i]Напоминание:[/i] встреча в 15:00",
    `${QUOTE_LINE}\n{name} [12.02.2026 10:15]\nКогда релиз?\n${QUOTE_LINE}\nВ пятницу`,
    "[s]Созвон в 12:00[/s] Перенесли на завтра",
    "Согласовано [RATING=5]",
    "Отправил макет [ATTACH={n}]",
    "Готово\nПроверяйте",
    "[color=#df532d]Срочно![/color] Нужна помощь с клиентом",
    "Обсудим в [CHAT={chat}]соседнем чате[/CHAT]",
    "Ок",
    "Принято, беру в работу",
    "Можно подробнее?",
    "Завтра буду в офисе после обеда",
    "Смотри https://www.bitrix24.ru",
    "[u]Важно[/u]: дедлайн в четверг#BR#Не забудьте",
    "Отличная работа 👍",
    "[size=20]Поздравляем![/size] С днём рождения!"
  ],
  system: [
    "[USER={u}][/USER] пригласил(а) [USER={v}][/USER] в чат",
    "[USER={u}][/USER] изменил(а) название чата",
    "[USER={u}][/USER] закрепил(а) сообщение"
  ],
  taskCreated: "[USER={u}][/USER] создал задачу",
  joined: "Теперь я в команде!",
  lineGuest: [
    "Здравствуйте, подскажите по доставке",
    "Когда будет готов мой заказ?",
    "Можно оплатить картой?",
    "Спасибо!"
  ],
  lineOperator: [
    "Добрый день! Доставка занимает 2–3 дня.",
    "Уточню и вернусь с ответом",
    "Да, конечно",
    "Обращайтесь!"
  ],
  copilotQuestions: [
    "Составь письмо клиенту о переносе сроков",
    "Сделай план встречи на час",
    "Переведи на английский: «Спасибо за сотрудничество»"
  ],
  copilotAnswers: [
    "[b]Тема:[/b] Перенос сроков поставки\nУважаемый клиент, ...",
    "1. Вступление\n2. Итоги недели\n3. Планы",
    "Thank you for your cooperation"
  ],
  channelPosts: [
    "[b]Важно:[/b] с понедельника новый график работы",
    "Вышел релиз 2.4 — [url=https://example.ru/release]подробности[/url]",
    "Итоги месяца: план выполнен на 112%"
  ],
  attachDescriptions: ["Анкета клиента", "Форма обратной связи"],
  files: [
    ["image", "IMG_2041.jpg"],
    ["file", "Договор_поставки.docx"],
    ["file", "Отчёт_Q1.xlsx"],
    ["video", "Запись_встречи.mp4"],
    ["audio", "Голосовое.ogg"]
  ],
  botName: ["Марта", "", "Чат-бот"],
  copilotName: ["CoPilot", "", "Ассистент"],
  networkName: ["Поддержка", "Битрикс24", ""],
  domain: "company.bitrix24.ru",
  tld: "ru"
}

const en: Corpus = {
  maleFirst: [
    "James",
    "John",
    "Robert",
    "Michael",
    "William",
    "David",
    "Richard",
    "Joseph",
    "Thomas",
    "Daniel",
    "Matthew",
    "Anthony",
    "Mark",
    "Steven",
    "Paul",
    "Andrew"
  ],
  femaleFirst: [
    "Mary",
    "Patricia",
    "Jennifer",
    "Linda",
    "Elizabeth",
    "Barbara",
    "Susan",
    "Jessica",
    "Sarah",
    "Karen",
    "Emily",
    "Emma",
    "Olivia",
    "Sophia",
    "Grace",
    "Chloe"
  ],
  maleLast: [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark"
  ],
  femaleLast: [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark"
  ],
  positions: [
    "Sales manager",
    "Accountant",
    "Developer",
    "Tester",
    "Designer",
    "Head of sales",
    "HR manager",
    "Marketing specialist",
    "Analyst",
    "Lawyer",
    "Office manager",
    "System administrator",
    "Project manager",
    "Support specialist",
    ""
  ],
  ceo: "Chief executive officer",
  groupTitles: [
    "Sales team",
    "Accounting",
    "Monday stand-up",
    "Mobile app development",
    "Marketing: spring campaign",
    "Company party 2026",
    "Procurement",
    "Tech support",
    "Website design",
    "Q1 reporting",
    "I want a green chat",
    "Lunch and coffee"
  ],
  openTitles: ["Office ideas", "English club", "Cyclists", "Book club"],
  channelTitles: ["Company news", "Product releases", "Orders and policies"],
  openChannelTitles: ["Announcements", "Job openings", "Knowledge base"],
  collabTitles: ["Project Alpha with partners", "Joint exhibition", "Contractor integration"],
  copilotTitles: ["CoPilot: email draft", "CoPilot: meeting plan", "CoPilot"],
  taskTitles: [
    "Prepare a commercial proposal",
    "Fix the report bug",
    "Maximally Complete Task Template",
    "Update the price list",
    "Run the inventory",
    "Approve the supply contract",
    "Set up the newsletter"
  ],
  workgroupTitles: ["Sales department", "New office project", "Marketing"],
  dealTitles: ["Deal: equipment supply", "Deal: annual service", "Deal: Vector Ltd"],
  videoconference: (n) => `Video conference #${n}`,
  general: "General chat",
  guest: (n) => `Guest #${n}`,
  line: (guest, n) => `${guest} - Open Channel ${n}`,
  messages: [
    "Hi! How is the [b]report[/b] going?",
    "[USER={u}][/USER], please take a look",
    "[USER={u}]{name}[/USER], thanks!",
    "Link to the document: [url=https://docs.example.com/q1]Quarterly report[/url]",
    "[i]Reminder:[/i] meeting at 3 pm",
    `${QUOTE_LINE}\n{name} [02/12/2026 10:15 am]\nWhen is the release?\n${QUOTE_LINE}\nOn Friday`,
    "[s]Call at noon[/s] Moved to tomorrow",
    "Approved [RATING=5]",
    "Sent the mockup [ATTACH={n}]",
    "Done\nPlease check",
    "[color=#df532d]Urgent![/color] Need help with a client",
    "Let's discuss in [CHAT={chat}]the other chat[/CHAT]",
    "Ok",
    "Got it, working on it",
    "Could you give more details?",
    "I'll be in the office tomorrow afternoon",
    "See https://www.bitrix24.com",
    "[u]Important[/u]: deadline on Thursday#BR#Don't forget",
    "Great job 👍",
    "[size=20]Congratulations![/size] Happy birthday!"
  ],
  system: [
    "[USER={u}][/USER] invited [USER={v}][/USER] to the chat",
    "[USER={u}][/USER] changed the chat name",
    "[USER={u}][/USER] pinned a message"
  ],
  taskCreated: "[USER={u}][/USER] created a task",
  joined: "I've joined the team!",
  lineGuest: ["Hello, a question about delivery", "When will my order be ready?", "Can I pay by card?", "Thank you!"],
  lineOperator: [
    "Good afternoon! Delivery takes 2–3 days.",
    "Let me check and get back to you",
    "Yes, of course",
    "You're welcome!"
  ],
  copilotQuestions: [
    "Write a client email about the delay",
    "Make a one-hour meeting plan",
    'Translate into Russian: "Thank you for the cooperation"'
  ],
  copilotAnswers: [
    "[b]Subject:[/b] Delivery delay\nDear client, ...",
    "1. Intro\n2. Weekly results\n3. Plans",
    "Спасибо за сотрудничество"
  ],
  channelPosts: [
    "[b]Important:[/b] new working hours from Monday",
    "Release 2.4 is out — [url=https://example.com/release]details[/url]",
    "Monthly results: 112% of the plan"
  ],
  attachDescriptions: ["Client questionnaire", "Feedback form"],
  files: [
    ["image", "IMG_2041.jpg"],
    ["file", "Supply_contract.docx"],
    ["file", "Q1_report.xlsx"],
    ["video", "Meeting_recording.mp4"],
    ["audio", "Voice_message.ogg"]
  ],
  botName: ["Martha", "", "Chat bot"],
  copilotName: ["CoPilot", "", "Assistant"],
  networkName: ["Bitrix24", "Support", ""],
  domain: "company.bitrix24.com",
  tld: "com"
}

/**
 * @internal
 */
export const corpus: { readonly ru: Corpus; readonly en: Corpus } = { ru, en }
