// Word lists for generated users. Every email domain is under a reserved name (RFC 2606 `.example`,
// example.com/.org/.net) so nothing generated can ever point at a real mailbox or host.

export const FIRST_NAMES = [
  'Aaliyah', 'Abdul', 'Adaeze', 'Adrian', 'Aiko', 'Alejandro', 'Alice', 'Amara', 'Amelia', 'Ana', 'Andrei', 'Anika',
  'Arjun', 'Astrid', 'Ayesha', 'Beatriz', 'Benjamin', 'Bilal', 'Bjorn', 'Camila', 'Carlos', 'Chen', 'Chloe', 'Chidi',
  'Daniel', 'Dara', 'David', 'Deepa', 'Diego', 'Dmitri', 'Elena', 'Elif', 'Elijah', 'Emeka', 'Emily', 'Emma', 'Erik',
  'Esther', 'Fatima', 'Felix', 'Freya', 'Gabriel', 'Grace', 'Hana', 'Hannah', 'Hassan', 'Hiroshi', 'Ibrahim', 'Ines',
  'Isabella', 'Ivan', 'Jamal', 'James', 'Javier', 'Jia', 'Jonas', 'Jose', 'Julia', 'Kai', 'Kamala', 'Kenji', 'Kofi',
  'Lars', 'Laura', 'Leila', 'Liam', 'Lina', 'Lucas', 'Lucia', 'Mai', 'Malik', 'Marco', 'Maria', 'Mateo', 'Maya',
  'Mei', 'Mohammed', 'Nadia', 'Naomi', 'Nia', 'Nikhil', 'Noah', 'Nora', 'Olga', 'Oliver', 'Omar', 'Priya', 'Rafael',
  'Rahul', 'Rania', 'Ravi', 'Rosa', 'Ryan', 'Sakura', 'Samuel', 'Sara', 'Sebastian', 'Sofia', 'Sven', 'Tariq', 'Thabo',
  'Theo', 'Tomas', 'Uma', 'Valentina', 'Victor', 'Wei', 'William', 'Xin', 'Yara', 'Yusuf', 'Zainab', 'Zara', 'Zoe',
] as const;

export const LAST_NAMES = [
  'Abara', 'Adeyemi', 'Ahmed', 'Alvarez', 'Andersen', 'Bauer', 'Becker', 'Bianchi', 'Brown', 'Castillo', 'Chen',
  'Costa', 'Cruz', 'Dang', 'Diaz', 'Dubois', 'Eriksson', 'Fernandez', 'Fischer', 'Garcia', 'Gonzalez', 'Gupta',
  'Haddad', 'Hansen', 'Hernandez', 'Hoffmann', 'Hussain', 'Ibrahim', 'Ivanova', 'Jackson', 'Jensen', 'Johansson',
  'Kapoor', 'Kato', 'Khan', 'Kim', 'Kowalski', 'Kumar', 'Larsen', 'Lee', 'Lopez', 'Martin', 'Martinez', 'Mensah',
  'Moreau', 'Muller', 'Murphy', 'Nakamura', 'Nguyen', 'Nielsen', 'Novak', 'Nwosu', 'Okafor', 'Okoye', 'Olsen',
  'Ortiz', 'Park', 'Patel', 'Pereira', 'Petrov', 'Popescu', 'Qureshi', 'Ramirez', 'Reddy', 'Rossi', 'Russo', 'Sato',
  'Schmidt', 'Schneider', 'Sharma', 'Silva', 'Singh', 'Smith', 'Sokolov', 'Suzuki', 'Takahashi', 'Tanaka', 'Taylor',
  'Thompson', 'Torres', 'Tran', 'Van Dijk', 'Vargas', 'Wagner', 'Walker', 'Wang', 'Watanabe', 'Weber', 'Williams',
  'Wilson', 'Wojcik', 'Wong', 'Yamamoto', 'Yang', 'Yilmaz', 'Zhang', 'Zhou', "O'Connor", 'Müller', 'Nuñez',
] as const;

export const EMAIL_DOMAINS = [
  'example.com', 'example.org', 'example.net', 'acme.example', 'globex.example', 'initech.example', 'hooli.example',
  'umbrella.example', 'stark.example', 'wayne.example', 'mail.example', 'inbox.example',
] as const;

export const PLANS = ['free', 'free', 'free', 'pro', 'pro', 'team', 'enterprise'] as const;
