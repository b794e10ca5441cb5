-- +goose Up
-- Privacy notices, versioned. Providers read the current one in full before they give any
-- personal data, and again whenever a newer version takes effect; each acknowledgement
-- records who read which version when. Bodies are Markdown; {council_name} and the other
-- braced names are filled from configuration when shown, and {retention} from the retention
-- rules in force.
--
-- The first notice is loaded here, so a fresh install starts with it. Its text is the same as
-- the one migration 00040 adds as a draft to an install already in use (a test checks they
-- match): change both together, or better, publish a new version.
CREATE TABLE privacy_notices (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    audience        text NOT NULL CHECK (audience IN ('provider')),
    version         int NOT NULL CHECK (version > 0),
    title           text NOT NULL,
    body_markdown   text NOT NULL,
    effective_from  date NOT NULL,
    status          text NOT NULL DEFAULT 'published' CHECK (status IN ('draft','published')),
    published_by    uuid REFERENCES users(id) ON DELETE SET NULL,
    published_by_name text NOT NULL DEFAULT '',
    published_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (audience, version)
);

CREATE TABLE notice_acknowledgements (
    user_id         uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    notice_id       uuid NOT NULL REFERENCES privacy_notices(id),
    acknowledged_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, notice_id)
);
CREATE INDEX notice_acknowledgements_notice ON notice_acknowledgements (notice_id);

ALTER TABLE sessions ADD COLUMN notice_acknowledged_id uuid REFERENCES privacy_notices(id),
                     ADD COLUMN notice_acknowledged_at timestamptz;
COMMENT ON COLUMN sessions.notice_acknowledged_id IS 'a visitor registering has read this notice; recorded against the user once the account exists';

-- +goose StatementBegin
INSERT INTO privacy_notices (audience, version, title, effective_from, published_by_name, published_at, body_markdown)
VALUES ('provider', 1, 'Privacy notice for care providers', DATE '2026-01-01', 'Data Protection Officer (initial release)', now(), $notice$
{council_name} commissions care and support for children, young people and families: children's homes, fostering, supported accommodation, education for children with special educational needs and disabilities (SEND), short breaks and youth services. This notice explains what information we hold about the organisations we buy these services from and the people who work for them, why we hold it, who we share it with, how long we keep it and what your rights are.

{council_name} is the data controller for this information. We are registered with the Information Commissioner's Office (ICO) as a data controller, registration number {ico_registration}.

## What we collect

When your organisation registers with the Provider Portal and while we work with you, we collect:

- the name, role, email address and phone number of your key contact and of the other people you give us as contacts
- your organisation's legal and trading names, legal form, registration numbers and business addresses
- your VAT number and bank details, so that we can pay you
- contract information, including the monitoring returns you send us and the findings of quality assurance visits
- health and safety information and your insurance policies and certificates
- your registrations and ratings with Ofsted and the Care Quality Commission (CQC)
- for staff in regulated roles: their name, role, the level and number of their Disclosure and Barring Service (DBS) certificate, its issue date and the result of status checks. We record whether a check was clear, never what a certificate says

When you use the portal we also keep:

- your user account: your name, email address, what you can do in the portal and which versions of this notice you have read
- records of signing in: when, from which IP address and with which browser
- the emails the portal sends you
- an audit trail of who did what and when, with the name of the person, the IP address they signed in from and what they changed

## Where we get it from

Most of this comes from you. We also get information from:

- other teams in the council
- the Disclosure and Barring Service (DBS): the result of checking the status of a member of staff's DBS certificate on the DBS Update Service
- Ofsted and the CQC, including their published inspection judgements
- agencies that have worked with you, and our tender processes

## Why we use it

We use this information to:

- decide which services to buy and from whom, and to get best value
- make and manage contracts, and pay you for the services you deliver
- monitor the quality and outcomes of the services we commission, and visit them
- make sure children are placed with safe, suitable providers
- publish information about the contracts we award, as the law requires
- prevent and detect fraud
- keep the portal secure and show who did what in it

## Our lawful basis

The law allows us to use your information because:

- we need it to carry out our public tasks (UK GDPR article 6(1)(e)): our duties to children and families under the Children Act 1989, the Children and Families Act 2014, the Care Act 2014 and the Children and Social Work Act 2017, and buying services with social value in mind under the Public Services (Social Value) Act 2012
- we must keep and share some of it by law (UK GDPR article 6(1)(c)): financial records, the records of how we awarded and managed contracts, the data we give the National Fraud Initiative, and the records we keep of how we handle your information
- if you are a sole trader, we need it to make and carry out a contract with you (UK GDPR article 6(1)(b))

Contracts we procured on or after 24 February 2025 are governed by the Procurement Act 2023. Contracts we procured before then are governed by the Public Contracts Regulations 2015.

DBS information is criminal offence data. We hold it under UK GDPR article 10 and the Data Protection Act 2018, section 10(5) and schedule 1, part 2, paragraph 18 (safeguarding of children and of individuals at risk). Only officers who need it can see it, and we record every time they do.

You must give us this information if you want to contract with us: without it we cannot make a contract with you or pay you.

## What we publish

We publish information about the contracts we award as open data, in the Open Contracting Data Standard: the contract's title, value and dates, and the supplier's name, its Companies House or charity number and its registered office. We leave out personal data: we never publish the names, email addresses or phone numbers of your staff or contacts, or any DBS information. If you are a sole trader, the name you trade under is published as the supplier's name.

## Who we share it with

We share information only where we need to, with:

- the council's legal and finance teams, to make contracts and to pay you
- the council's internal auditors and our external auditors, who check our accounts and how we award and manage contracts
- the company that sends the portal's emails for us, which processes them only on our instructions
- Ofsted and the CQC, and other local authorities that commission the same services
- regional commissioning frameworks that we buy through
- the police and other authorities where the law requires it

We take part in the National Fraud Initiative (NFI), a data matching exercise run by the Cabinet Office to prevent and detect fraud. The portal discloses trade creditor standing data (such as your organisation's name, address, VAT number and bank details) to the Cabinet Office for the NFI under Part 6 of the Local Audit and Accountability Act 2014. The payment history comes from the council's finance system.

We never sell your information or use it for marketing.

## How long we keep it

{retention}

## Keeping it safe

Only people who need your information for their work can see it. Bank details and DBS certificate numbers are encrypted, and every time a member of staff views them we record it. If there is a breach of security that puts you at risk, we will tell you, and we will tell the ICO within 72 hours where the law requires it.

## Your rights

You have the right to:

- know what we do with your information (this notice)
- ask for a copy of the information we hold about you
- ask us to correct information that is wrong (you can correct most of your organisation's record yourself in the portal)
- ask us to delete or stop using your information in some circumstances
- object to how we use your information

To use any of these rights, contact our Data Protection Officer. We will reply within one month.

## Contact us

Data Protection Officer, {council_name}
{council_address}

Email: {dpo_email}
Phone: {council_phone}

## How to complain

If you are unhappy with how we have used your information, please tell us first. You can also complain to the Information Commissioner's Office (ICO), Wycliffe House, Water Lane, Wilmslow, SK9 5AF, telephone 0303 123 1113, website ico.org.uk.
$notice$);
-- +goose StatementEnd

-- +goose Down
ALTER TABLE sessions DROP COLUMN notice_acknowledged_id, DROP COLUMN notice_acknowledged_at;
DROP TABLE notice_acknowledgements;
DROP TABLE privacy_notices;
